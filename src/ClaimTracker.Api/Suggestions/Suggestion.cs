using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;

namespace ClaimTracker.Api.Suggestions;

/// <summary>A subject the recognizer may propose: its name and aliases, and optionally its kind ("person" lets "he said" find it).</summary>
public sealed record KnownSubject(long Id, string Name, IReadOnlyList<string> Aliases, string? Kind = null);

/// <summary>A property of the vocabulary the recognizer may propose.</summary>
public sealed record KnownProperty(string Key, string Label, PropertyType ValueType, string? Unit);

/// <summary>What the recognizer knows about a source besides its text.</summary>
/// <param name="Published">The source's publication date, against which relative dates and dates without a year are placed.</param>
/// <param name="Language">"en", "de" or "fr"; any other gives no suggestions.</param>
public sealed record RecognizerContext(
    PartialDate? Published,
    string Language,
    IReadOnlyList<KnownSubject> Subjects,
    IReadOnlyList<KnownProperty> Properties)
{
    /// <summary>The vocabulary the database starts with (db/migrations/0002_claims.sql), for callers without a database.</summary>
    public static IReadOnlyList<KnownProperty> StandardProperties { get; } =
    [
        new("troop_count", "troop count", PropertyType.Quantity, "troops"),
        new("killed", "killed", PropertyType.Quantity, "people"),
        new("wounded", "wounded", PropertyType.Quantity, "people"),
        new("attack_count", "number of attacks", PropertyType.Quantity, "attacks"),
        new("event_date", "event date", PropertyType.Time, null),
        new("start_date", "start date", PropertyType.Time, null),
        new("end_date", "end date", PropertyType.Time, null),
        new("deadline", "deadline", PropertyType.Time, null),
        new("completed", "completed", PropertyType.Time, null),
        new("founded", "founded", PropertyType.Time, null),
        new("vote", "vote", PropertyType.Time, null),
        new("meeting", "meeting", PropertyType.Time, null),
        new("statement", "statement", PropertyType.Text, null),
        new("position", "position", PropertyType.Stance, null),
    ];
}

public enum SuggestionKind { Quantity, Time, Attribution }

/// <summary>What a date found in a text is to a claim: the claim's value, or when its asserter said it.</summary>
public enum TimeRole { Value, StatedOn }

/// <summary>A span of the source's text in code points (as the API's passage offsets), end exclusive.</summary>
public sealed record TextSpan(int Start, int End);

/// <summary>A known subject found in the text.</summary>
/// <param name="MatchedAs">The name or alias that matched.</param>
/// <param name="Exact">The alias stands in the text word for word; false when its words stand in order with a few others between.</param>
public sealed record SubjectMatch(long Id, string Name, string MatchedAs, TextSpan Span, bool Exact);

/// <summary>The property proposed, and the words that chose it.</summary>
public sealed record PropertyMatch(string Key, string? Unit, string Reason);

/// <summary>Who asserts what a sentence says.</summary>
/// <param name="AsWritten">The asserter as the text names it: "a senior US official", "Reuters", "he".</param>
/// <param name="Anonymous">An unnamed source ("two Iraqi officials", "people familiar with the matter").</param>
/// <param name="Description">For an anonymous source, how the text describes it.</param>
/// <param name="Speakers">How many speakers the text counts ("two Iraqi officials": 2), when it does.</param>
/// <param name="Subject">The known subject the asserter is, when one matches.</param>
/// <param name="Verb">The reporting words: "said", "according to", "told".</param>
/// <param name="Audience">Whom it was said to: "told Bloomberg" gives "Bloomberg".</param>
/// <param name="StatedOn">When it was said, when the sentence dates the saying ("In August, the State Department said").</param>
/// <param name="Span">The asserter's words in the text.</param>
public sealed record Attribution(
    string AsWritten,
    bool Anonymous,
    string? Description,
    int? Speakers,
    SubjectMatch? Subject,
    string Verb,
    string? Audience,
    DateReading? StatedOn,
    TextSpan Span);

/// <summary>
/// A figure, date or attribution found in a source, proposed for a claim: the passage a curator would quote, the figure
/// or date inside it, and what the recognizer proposes for each part of the claim, with its confidence and why.
/// </summary>
/// <param name="Passage">The passage to quote (the clause, with its subject and verb), as code-point offsets into the body.</param>
/// <param name="Match">The figure, date or asserter itself, inside the passage.</param>
/// <param name="Asserter">The attribution governing the sentence (for a figure or a date); for an attribution, itself.</param>
/// <param name="ValidTime">When the fact holds, when the figure's clause dates it.</param>
/// <param name="Quantity">The figure read (quantities).</param>
/// <param name="Counts">What the figure counts, as written: "US troops", "attacks".</param>
/// <param name="Time">The date read (times).</param>
/// <param name="Role">Whether a date is the claim's value or when the asserter spoke.</param>
/// <param name="Confidence">0 to 1: how likely a curator is to keep the suggestion as proposed.</param>
/// <param name="Reported">For an attribution, what it reports: the words of its sentence it governs.</param>
public sealed record Suggestion(
    SuggestionKind Kind,
    TextSpan Passage,
    string Exact,
    TextSpan Match,
    string MatchText,
    SubjectMatch? Subject,
    PropertyMatch? Property,
    Attribution? Asserter,
    DateReading? ValidTime,
    FigureReading? Quantity,
    string? Counts,
    DateReading? Time,
    TimeRole? Role,
    double Confidence,
    string Reason,
    ReportedSpeech? Reported = null);

/// <summary>
/// What an attribution reports, as a statement claim would hold it: "the State Department said the talks had been
/// focused on ..." reports "the talks had been focused on ...".
/// </summary>
/// <param name="Passage">The attribution with the words it reports: the passage a statement claim quotes.</param>
/// <param name="Said">The reported words alone.</param>
/// <param name="About">The known subject the reported words name (not the asserter), when one is found.</param>
/// <param name="Why">How the subject was found, or why none was.</param>
public sealed record ReportedSpeech(TextSpan Passage, string Exact, TextSpan Said, string Text, SubjectMatch? About, string Why);
