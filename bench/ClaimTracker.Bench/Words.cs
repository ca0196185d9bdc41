using System.Text;

namespace ClaimTracker.Bench;

/// <summary>
/// Word stock for news-like English: common words by rough frequency, plus a long tail of made-up but
/// pronounceable words and names, so full-text search sees both very common and very rare terms.
/// </summary>
public static class Words
{
    public static readonly string[] Nouns =
    [
        "government", "officials", "forces", "talks", "ministry", "statement", "report", "security", "border", "agreement",
        "troops", "attack", "region", "city", "province", "capital", "parliament", "election", "ceasefire", "offensive",
        "aid", "refugees", "convoy", "negotiations", "spokesman", "spokeswoman", "commander", "militia", "coalition", "delegation",
        "crisis", "conflict", "violence", "protest", "protesters", "police", "army", "navy", "air force", "drone",
        "strike", "raid", "checkpoint", "village", "district", "hospital", "school", "market", "bridge", "pipeline",
        "oil field", "port", "airport", "base", "camp", "shelter", "corridor", "frontline", "town", "valley",
        "budget", "economy", "inflation", "currency", "loan", "sanctions", "exports", "prices", "wages", "unemployment",
        "envoy", "summit", "resolution", "vote", "motion", "committee", "inquiry", "investigation", "court", "verdict",
        "witnesses", "residents", "families", "civilians", "casualties", "wounded", "dead", "survivors", "rescuers", "volunteers",
        "analysts", "diplomats", "observers", "monitors", "journalists", "sources", "documents", "figures", "estimates", "records",
        "plan", "proposal", "deadline", "schedule", "timetable", "withdrawal", "deployment", "presence", "mission", "operation",
        "weapons", "ammunition", "rockets", "missiles", "artillery", "vehicles", "tanks", "helicopters", "aircraft", "ships",
        "water", "electricity", "fuel", "food", "medicine", "supplies", "shortages", "damage", "reconstruction", "funding",
    ];

    public static readonly string[] Verbs =
    [
        "said", "reported", "announced", "confirmed", "denied", "warned", "claimed", "added", "told", "stated",
        "rejected", "accepted", "approved", "blocked", "delayed", "postponed", "resumed", "suspended", "launched", "ended",
        "opened", "closed", "seized", "captured", "retook", "shelled", "struck", "targeted", "attacked", "defended",
        "evacuated", "reinforced", "withdrew", "deployed", "arrived", "left", "returned", "crossed", "reached", "entered",
        "met", "discussed", "negotiated", "signed", "agreed", "proposed", "demanded", "urged", "called for", "promised",
        "investigated", "questioned", "arrested", "detained", "released", "charged", "sentenced", "acquitted", "cleared", "blamed",
    ];

    public static readonly string[] Adjectives =
    [
        "senior", "local", "regional", "national", "foreign", "military", "civilian", "humanitarian", "political", "economic",
        "new", "former", "acting", "interim", "joint", "independent", "official", "unofficial", "preliminary", "final",
        "heavy", "light", "sporadic", "renewed", "fresh", "fierce", "brief", "prolonged", "fragile", "tense",
        "northern", "southern", "eastern", "western", "central", "remote", "besieged", "contested", "occupied", "disputed",
        "large", "small", "growing", "shrinking", "rising", "falling", "stable", "uncertain", "unclear", "significant",
    ];

    public static readonly string[] Adverbs =
    [
        "reportedly", "allegedly", "officially", "publicly", "privately", "repeatedly", "recently", "earlier", "later", "again",
        "already", "still", "finally", "briefly", "partly", "largely", "mostly", "sharply", "steadily", "quickly",
    ];

    public static readonly string[] Times =
    [
        "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday", "last week",
        "this week", "overnight", "late on Sunday", "early on Friday", "in recent days", "in recent weeks", "last month", "earlier this year",
    ];

    public static readonly string[] Months =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ];

    private static readonly string[] Onsets =
    [
        "b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kh", "l", "m", "n", "p", "r", "s", "sh", "st", "t", "tr", "v", "z", "al", "el", "or",
    ];

    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ia", "ei", "ar", "er", "an", "on", "in"];

    private static readonly string[] Codas = ["", "", "", "n", "r", "l", "s", "sk", "nd", "st", "m", "k", "sh", "z", "d"];

    /// <summary>A pronounceable made-up word of 2 to 3 syllables, lower case.</summary>
    public static string Pseudo(ref Rng rng, int syllables)
    {
        var b = new StringBuilder();
        for (var i = 0; i < syllables; i++)
        {
            b.Append(rng.Pick(Onsets));
            b.Append(rng.Pick(Vowels));
        }
        b.Append(rng.Pick(Codas));
        return b.ToString();
    }

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Given names with a few accented ones (precomposed: the product stores text in NFC).</summary>
    public static readonly string[] GivenNames =
    [
        "Amira", "Omar", "Layla", "Yusuf", "Nadia", "Karim", "Sara", "Tariq", "Hana", "Samir", "Leyla", "Ivan", "Olena", "Mateo",
        "José", "Zoë", "Chloé", "Björn", "Ayşe", "Mehmet", "Anna", "David", "Maria", "John", "Fatima", "Ali", "Noor", "Rania",
        "Elena", "Pavel", "Irina", "Jamal", "Rahel", "Dawit", "Grace", "Peter", "Aisha", "Hassan", "Miriam", "Daniel",
    ];
}
