using System.Collections.Frozen;

namespace ClaimTracker.Api.Suggestions;

/// <summary>What a counted noun is: troops, people, attacks, or another countable thing no property counts.</summary>
internal enum Counted { Troops, People, Attacks, Killed, Wounded, Other }

/// <summary>The words the recognizer's rules look for, by language. Lower-case, apostrophes straight.</summary>
internal static class Lexicon
{
    private static FrozenDictionary<string, T> Map<T>(params (string[] Words, T Value)[] groups) =>
        groups.SelectMany(g => g.Words.Select(w => (w, g.Value))).DistinctBy(p => p.w).ToFrozenDictionary(p => p.w, p => p.Value);

    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet();

    /// <summary>Nouns a figure counts. "Killed" and "Wounded" are nouns that already say what happened ("three dead", "12 Verletzte").</summary>
    public static readonly FrozenDictionary<string, Counted> Nouns = Map(
        (["troops", "troop", "soldiers", "soldier", "servicemembers", "servicemen", "personnel", "forces", "marines", "sailors", "airmen",
          "advisers", "advisors", "trainers", "reservists", "paratroopers",
          "soldaten", "soldatinnen", "truppen", "militärangehörige", "einsatzkräfte", "berater", "militärberater", "ausbilder",
          "soldats", "militaires", "conseillers", "instructeurs", "hommes"], Counted.Troops),
        (["people", "civilians", "persons", "fighters", "militants", "militiamen", "members", "operatives", "insurgents", "jihadists",
          "children", "women", "men", "guards", "policemen", "contractors", "americans", "iraqis", "syrians", "victims", "citizens",
          "menschen", "personen", "zivilisten", "kämpfer", "extremisten", "dschihadisten", "milizionäre", "mitglieder", "kinder", "frauen",
          "personnes", "civils", "combattants", "djihadistes", "jihadistes", "membres", "enfants", "femmes", "victimes"], Counted.People),
        (["attacks", "attack", "strikes", "airstrikes", "assaults", "bombings", "raids",
          "angriffe", "anschläge", "luftangriffe", "attacken", "attaques", "frappes", "tirs", "raids"], Counted.Attacks),
        (["dead", "killed", "fatalities", "deaths", "tote", "toten", "todesopfer", "morts", "tués"], Counted.Killed),
        (["wounded", "injured", "verletzte", "verletzten", "verwundete", "blessés"], Counted.Wounded),
        (["rockets", "rocket", "drones", "drone", "missiles", "missile", "bases", "vehicles", "aircraft", "jets", "helicopters", "sites",
          "targets", "officials", "diplomats", "countries", "nations", "raketen", "drohnen", "stützpunkte", "roquettes", "drones", "bases",
          "missiles", "pays"], Counted.Other));

    /// <summary>Words allowed between a figure and its noun: "seven US troops", "three US Army Reserve soldiers", "14 ISIS operatives".</summary>
    public static readonly FrozenSet<string> NounModifiers = Set(
        "us", "u.s", "american", "iraqi", "syrian", "iranian", "kurdish", "british", "french", "german", "foreign", "coalition", "military",
        "additional", "more", "other", "suspected", "armed", "senior", "combat", "civilian", "army", "reserve", "national", "guard", "special",
        "isis", "is", "militia", "shia", "sunni", "drone", "rocket", "air", "service", "security", "nato", "allied", "international", "new",
        "deadly", "separate", "major", "heavy", "more", "extra", "remaining", "elite", "marine", "navy",
        "us-soldaten", "amerikanische", "amerikanischen", "us-amerikanische", "irakische", "irakischen", "weitere", "ausländische", "deutsche",
        "américains", "américaines", "irakiens", "étrangers", "supplémentaires", "de", "d", "'");

    public static readonly FrozenSet<string> KilledCues = Set(
        "killed", "kill", "kills", "killing", "dead", "death", "deaths", "died", "die", "dies", "slain", "fatalities", "fatally", "toll",
        "getötet", "tot", "tote", "toten", "starben", "gestorben", "tödlich", "todesopfer", "ums",
        "tués", "tué", "tuées", "tuée", "morts", "mort", "décès", "décédés", "péri", "tuant");

    public static readonly FrozenSet<string> WoundedCues = Set(
        "wounded", "wounding", "injured", "injuring", "injuries", "hurt", "injures",
        "verletzt", "verwundet", "verletzte", "verletzten", "verwundete", "verwundeten",
        "blessés", "blessé", "blessées", "blessant", "blessures");

    /// <summary>Words that name what a date is the date of. A deadline is read from the modifier "by" alone.</summary>
    public static readonly FrozenDictionary<string, string> DateCues = Map(
        (["formed", "founded", "established", "created", "gegründet", "fondée", "fondé", "créée", "créé", "formée"], "founded"),
        (["voted", "vote", "votes", "voting", "referendum", "abgestimmt", "stimmte", "stimmten", "abstimmung", "voté", "votaient"], "vote"),
        (["met", "meet", "meeting", "meetings", "summit", "talks", "trafen", "treffen", "gespräche", "gipfel", "rencontré", "réunion",
          "rencontre", "sommet", "entretien", "réunis"], "meeting"),
        (["completed", "finished", "abgeschlossen", "achevé", "terminé"], "completed"),
        (["began", "begun", "started", "begann", "begonnen", "commencé", "débuté"], "start_date"),
        (["ended", "ending", "ends", "expire", "expires", "expired", "endet", "enden", "beendet", "endete", "terminée", "achève"], "end_date"),
        (["raid", "raids", "attack", "attacked", "attacks", "strike", "struck", "strikes", "airstrike", "airstrikes", "killed", "wounded",
          "injured", "hit", "bombing", "explosion", "ambush", "died", "clash", "clashes", "operation", "launched", "fired", "targeted",
          "angriff", "anschlag", "razzia", "getötet", "verletzt", "verwundet", "beschossen", "attaque", "frappe", "tués", "blessés", "visé",
          "visée", "tirs"], "event_date"));

    /// <summary>Words that make a date a deadline when it is read with "by" (and raise its confidence).</summary>
    public static readonly FrozenSet<string> DeadlineCues = Set(
        "withdraw", "withdrawal", "remove", "leave", "complete", "end", "pull", "exit", "transition", "wind", "conclude", "finish", "reduce",
        "abziehen", "abzug", "beenden", "abschließen", "reduzieren", "retirer", "retrait", "quitter", "achever", "terminer", "réduire");

    /// <summary>Verbs of troops moving: a figure beside them counts a movement, not a force.</summary>
    public static readonly FrozenSet<string> Movement = Set(
        "withdraw", "withdrawing", "withdrew", "withdrawn", "leave", "leaving", "left", "remove", "removing", "removed", "pull", "pulling",
        "send", "sending", "sent", "deploy", "deploying", "deployed", "arrive", "arriving", "arrived", "move", "moving", "moved", "relocate",
        "abziehen", "abgezogen", "entsenden", "entsandt", "verlegen", "verlegt", "retirer", "retirera", "retireront", "déployer", "envoyer");

    /// <summary>Words that make a sentence speak of the future, for placing dates without a year.</summary>
    public static readonly FrozenSet<string> FutureCues = Set(
        "will", "would", "'ll", "shall", "plans", "planned", "expected", "scheduled", "next", "upcoming", "intends",
        "aims", "wird", "werden", "würde", "würden", "soll", "sollen", "sollte", "geplant", "plant", "künftig", "nächste", "nächsten",
        "sera", "seront", "devra", "devront", "doit", "doivent", "prévu", "prévue", "prochain", "prochaine", "va", "vont", "compte");

    /// <summary>Reporting verbs, by language: the word, and whether the asserter usually follows it ("said X" after a quote).</summary>
    public static readonly FrozenSet<string> EnglishVerbs = Set(
        "said", "says", "say", "told", "tells", "stated", "reported", "reports", "announced", "announces", "added", "adds", "noted",
        "notes", "wrote", "writes", "claimed", "confirmed", "confirms", "denied", "denies", "warned", "warns", "insisted", "insists",
        "insisting", "estimated", "acknowledged", "acknowledges", "explained", "declared", "asserted", "argued", "reiterated",
        "stressed", "disclosed", "revealed", "admitted", "maintained", "cautioned", "briefed", "testified", "tweeted", "posted");

    public static readonly FrozenSet<string> GermanVerbs = Set(
        "sagte", "sagten", "sagt", "sagen", "erklärte", "erklärten", "erklärt", "berichtete", "berichteten", "berichtet", "meldete",
        "meldeten", "betonte", "betonten", "bestätigte", "bestätigten", "teilte", "teilten", "hieß", "heißt", "schrieb", "schreibt",
        "kündigte", "warnte", "räumte", "verlautete", "ergänzte", "fügte", "sagte,", "dementierte", "bekräftigte");

    public static readonly FrozenSet<string> FrenchVerbs = Set(
        "déclaré", "indiqué", "affirmé", "annoncé", "précisé", "ajouté", "dit", "rapporté", "confié", "expliqué", "souligné", "assuré",
        "estimé", "confirmé", "démenti", "écrit", "déclare", "indique", "affirme", "annonce", "précise", "ajoute", "explique", "souligne",
        "assure", "estime", "confirme", "rapporte", "selon");

    /// <summary>Phrasal reporting verbs whose two words both count: "called for", "made clear", "teilte ... mit".</summary>
    public static readonly FrozenSet<string> SecondWords = Set("for", "clear");

    public static readonly FrozenSet<string> PhrasalFirst = Set("called", "calling", "calls", "made", "making", "makes");

    /// <summary>Words skipped between an asserter and its verb: "Al-Sudani has previously said".</summary>
    public static readonly FrozenSet<string> Auxiliaries = Set(
        "has", "have", "had", "is", "was", "were", "are", "also", "previously", "repeatedly", "later", "earlier", "again", "recently",
        "separately", "publicly", "privately", "reportedly", "further", "then", "had", "already", "began", "begun", "once", "often", "first",
        "a", "ont", "avait", "avaient", "aussi", "également", "hat", "haben", "hatte", "hatten", "auch", "bereits", "zuvor", "noch", "will", "would",
        "did", "does", "do", "not", "never", "has", "since");

    /// <summary>Words that end an asserter's noun phrase when walking back from the verb.</summary>
    public static readonly FrozenSet<string> NounPhraseStops = Set(
        "that", "which", "who", "whom", "but", "while", "as", "when", "because", "or", "if", "where", "after", "before", "although",
        "though", "however", "so", "than", "whether", "what", "how", "why", "in", "on", "at", "by", "with", "to", "from", "into",
        "dass", "weil", "aber", "und", "oder", "wie", "als", "wenn", "während", "nachdem", "que", "qui", "mais", "et", "ou", "comme",
        "lorsque", "quand", "car", "dont", "où", "is", "are", "was", "were", "be", "been", "being", "under", "about", "against",
        "across", "without", "within", "among", "despite", "during", "through", "unter", "gegen", "sous", "contre", "pendant");

    /// <summary>Heads of an anonymous source: "a senior US official", "people familiar with the matter", "Regierungskreise".</summary>
    public static readonly FrozenSet<string> AnonymousHeads = Set(
        "official", "officials", "source", "sources", "person", "people", "diplomat", "diplomats", "officer", "officers", "spokesman",
        "spokeswoman", "spokesperson", "aide", "aides", "lawmaker", "lawmakers", "analyst", "analysts", "resident", "residents",
        "witness", "witnesses", "commander", "commanders", "insider", "insiders", "staffer", "staffers", "employee", "employees",
        "beamter", "beamte", "beamten", "kreise", "kreisen", "regierungskreise", "regierungskreisen", "sicherheitskreise",
        "sicherheitskreisen", "quelle", "quellen", "sprecher", "sprecherin", "diplomat", "diplomaten", "vertreter", "offizier", "offiziere",
        "responsable", "responsables", "diplomate", "diplomates", "porte-parole", "officier", "officiers", "proche", "proches", "témoin", "témoins");

    public static readonly FrozenSet<string> Determiners = Set(
        "the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our",
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "le", "la", "les", "l", "un", "une", "des", "du", "'");

    public static readonly FrozenSet<string> Pronouns = Set("he", "she", "they", "er", "sie", "il", "elle", "ils", "elles");

    public static readonly FrozenSet<string> Abbreviations = Set(
        "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "adm", "gov", "sen", "rep", "st", "no", "jan", "feb", "mar",
        "apr", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "inc", "corp", "jr", "sr", "prof", "rev", "pres", "cmdr", "brig", "ca",
        "nr", "bzw", "z", "b", "m", "mme", "gén", "etc", "u", "s", "approx", "est");

    /// <summary>Words after a figure that make it something other than a count: a share, money, an age, a duration.</summary>
    public static readonly FrozenSet<string> NotCounts = Set(
        "percent", "per", "prozent", "pour", "%", "dollars", "dollar", "euros", "euro", "pounds", "dinars", "million", "billion",
        "year-old", "years", "year", "months", "month", "weeks", "week", "days", "day", "hours", "hour", "minutes", "km", "kilometers",
        "kilometres", "miles", "meters", "metres", "jahre", "jahren", "monate", "wochen", "tage", "stunden", "ans", "mois", "jours",
        "semaines", "heures", "times", "mal", "fois");
}
