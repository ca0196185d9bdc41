using System.Globalization;
using System.Text.RegularExpressions;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Suggestions;

/// <summary>What a suggestion proposes a claim of: a figure, a date, or what someone said.</summary>
public enum SuggestionType { Quantity, Date, Attribution }

/// <summary>
/// Where a suggestion stands: open (proposed), claimed (a claim on an overlapping passage of the source already states
/// it), accepted (a curator made it a claim), dismissed (a curator refused it for this revision).
/// </summary>
public enum SuggestionState { Open, Claimed, Accepted, Dismissed }

/// <summary>
/// A suggestion's id: the source revision it was made for, its kind and the code points of its figure, date or asserter
/// ("r2-q412-418"), so that the same text, subjects and vocabulary always give the same ids.
/// </summary>
public readonly partial record struct SuggestionId(int Revision, char Kind, int Start, int End, int Repeat) : IQueryValue<SuggestionId>
{
    public static string Expected => "a suggestion id as GET /sources/{id}/suggestions gives it, such as r1-q412-418.";

    [GeneratedRegex(@"^r(?<rev>[1-9][0-9]{0,8})-(?<kind>[qda])(?<start>[0-9]{1,9})-(?<end>[0-9]{1,9})(?:-(?<repeat>[2-9]|[1-9][0-9]{1,3}))?$")]
    private static partial Regex Shape();

    public static bool TryRead(string text, out SuggestionId value)
    {
        value = default;
        if (Shape().Match(text) is not { Success: true } m) return false;
        int Int(string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        value = new SuggestionId(Int("rev"), m.Groups["kind"].Value[0], Int("start"), Int("end"), m.Groups["repeat"].Success ? Int("repeat") : 1);
        return value.End > value.Start;
    }

    public static char KindLetter(SuggestionType type) => type switch { SuggestionType.Quantity => 'q', SuggestionType.Date => 'd', _ => 'a' };

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"r{Revision}-{Kind}{Start}-{End}{(Repeat > 1 ? $"-{Repeat}" : "")}");
}

/// <summary>A span of the source's text, in code points into the revision's text (end exclusive), and its words.</summary>
/// <param name="Start">Code-point offset of the first character, e.g. 412.</param>
public sealed record SpanView(int Start, int End, string Text);

/// <summary>The known subject proposed, and how it was found.</summary>
/// <param name="MatchedAs">The name or alias found in the text.</param>
/// <param name="Exact">The alias stands word for word; false when its words stand with others between.</param>
public sealed record ProposedSubject(long Id, string Name, string MatchedAs, bool Exact);

/// <summary>Who asserts what the passage says, as the text names them.</summary>
/// <param name="AsWritten">"two US officials", "Reuters", "he".</param>
/// <param name="Anonymous">An unnamed source; the claim then has no asserter and its note says who spoke.</param>
/// <param name="Speakers">How many speakers the text counts, when it does.</param>
/// <param name="Subject">The known subject the asserter is; null when none is (the claim is then left without asserter).</param>
/// <param name="Verb">The reporting words: "said", "according to".</param>
/// <param name="Audience">Whom it was said to, when the text says.</param>
/// <param name="StatedOn">When it was said (YYYY, YYYY-MM or YYYY-MM-DD), when the text dates the saying.</param>
public sealed record ProposedAsserter(string AsWritten, bool Anonymous, int? Speakers, ProposedSubject? Subject, string Verb, string? Audience, string? StatedOn);

/// <summary>
/// The claim a suggestion proposes, in the form of the body of POST /claims; a field the recognizer could not fill is
/// null and named in the suggestion's missing list. Accepting sends changes as a JSON merge patch over it.
/// </summary>
public sealed record ProposedClaim(
    string? Property,
    ClaimValueInput? Value,
    EvidenceInput[] Evidence,
    long? SubjectId,
    long? AssertedById,
    string? ValidAt,
    string? StatedOn,
    string? Note,
    ClaimStatus Status);

/// <summary>An existing claim the proposed one would conflict with, by the conflict rules (db/functions/conflicting_pairs.sql).</summary>
/// <param name="Text">The other claim in words.</param>
public sealed record WouldConflict(long ClaimId, ConflictRule Rule, ConflictScope Scope, string Text);

/// <summary>An existing claim the proposed one would agree with (db/functions/agreeing_claims.sql).</summary>
public sealed record WouldAgree(long ClaimId, string Text);

/// <summary>
/// What accepting the suggestion as proposed would do, found by writing the claim inside a savepoint through the one
/// claim write path and rolling it back: the same rules, no copy of them.
/// </summary>
/// <param name="Refused">Why POST /claims would refuse the proposed claim as it stands ("field: reason"), or null.</param>
public sealed record SuggestionPreview(WouldConflict[] Conflicts, WouldAgree[] Agrees, string? Refused);

/// <summary>A curator's decision on a suggestion.</summary>
/// <param name="ClaimId">The claim it became (accepted).</param>
public sealed record SuggestionDecision(SuggestionState State, long? ClaimId, string? Reason, string By, DateTime At);

/// <summary>
/// A figure, date or attribution found in a source revision, proposed as a draft claim.
/// </summary>
/// <param name="Id">Stable for the revision, the subjects and the vocabulary, e.g. r1-q412-418.</param>
/// <param name="Passage">The passage the claim would quote, in code points of the revision's text.</param>
/// <param name="Match">The figure, date or asserter itself, inside or beside the passage.</param>
/// <param name="Paragraph">The paragraph the match stands in, counted from 0: what "accept the whole paragraph" takes.</param>
/// <param name="Property">The property proposed, from the vocabulary; null when none fits.</param>
/// <param name="PropertyReason">The words that chose the property, or why none was.</param>
/// <param name="Asserter">Who asserts it; null for the source's own voice.</param>
/// <param name="ValidTime">When the fact holds, when the passage dates it (YYYY, YYYY-MM or YYYY-MM-DD).</param>
/// <param name="Value">The value in the claim's input form; null when the recognizer reads none.</param>
/// <param name="Claim">The proposed claim as POST /claims takes it.</param>
/// <param name="Missing">The claim's fields a curator must fill before it can be accepted (subject, property, value).</param>
/// <param name="Confidence">0 to 1: how likely a curator is to keep the suggestion as proposed.</param>
/// <param name="Reason">Why, in words: how the figure or date reads, and what chose each part.</param>
/// <param name="ClaimedBy">Existing claims on an overlapping passage of this source that state the same value.</param>
/// <param name="Decision">The curator's decision, when accepted or dismissed.</param>
/// <param name="Preview">What accepting it would conflict or agree with; given by GET of one suggestion, and by the list with preview=true.</param>
public sealed record SuggestionView(
    string Id,
    SuggestionType Kind,
    SuggestionState State,
    SpanView Passage,
    SpanView Match,
    int Paragraph,
    ProposedSubject? Subject,
    string? Property,
    string? PropertyReason,
    ProposedAsserter? Asserter,
    string? ValidTime,
    ClaimValueInput? Value,
    ProposedClaim Claim,
    string[] Missing,
    double Confidence,
    string Reason,
    long[] ClaimedBy,
    SuggestionDecision? Decision,
    SuggestionPreview? Preview);

/// <summary>How many suggestions of the revision stand in each state.</summary>
public sealed record SuggestionCounts(int Open, int Claimed, int Accepted, int Dismissed);

/// <summary>The suggestions of one revision of a source, in text order.</summary>
/// <param name="Revision">The revision they were computed for.</param>
/// <param name="LatestRevision">The source's latest revision: only its suggestions can be accepted or dismissed.</param>
/// <param name="Counts">Counts over every suggestion of the revision, whatever the filters.</param>
public sealed record SuggestionList(long SourceId, int Revision, int LatestRevision, SuggestionCounts Counts, SuggestionView[] Items);
