using ClaimTracker.Api.Claims;

namespace ClaimTracker.Api.Conflicts;

/// <summary>open, acknowledged and resolved are curators' states; closed means the claims no longer conflict.</summary>
public enum ConflictStatus { Open, Acknowledged, Resolved, Closed }

/// <summary>Why two claims cannot both be true (docs/conflicts.md).</summary>
public enum ConflictRule { NoneVsValue, Quantity, Time, Stance, Contradicts, Breakdown, ExceedsBroader }

/// <summary>certain: the two cannot both be true. possible: they may not be, for the reason given (docs/conflicts.md).</summary>
public enum ConflictCertainty { Certain, Possible }

/// <summary>between_reports: different sources or asserters disagree. internal: one voice contradicts itself within one source.</summary>
public enum ConflictScope { BetweenReports, Internal }

/// <summary>A conflict as seen from one of its claims.</summary>
/// <param name="OtherClaimId">The claim this one conflicts with.</param>
/// <param name="Href">Where the conflict is: both claims side by side.</param>
/// <param name="CertaintyReason">Why the conflict is only possible, in words; null when certain.</param>
public sealed record ConflictRef(
    long Id, ConflictStatus Status, ConflictRule Rule, ConflictScope Scope, long OtherClaimId, string Href,
    ConflictCertainty Certainty = ConflictCertainty.Certain, string? CertaintyReason = null);

/// <param name="Explanation">The rule, in words, applied to these two claims.</param>
/// <param name="Claims">Both claims, side by side, with their values, asserters, passages and sources.</param>
/// <param name="ClosedReason">Why the conflict closed by itself (a claim retracted or revised); null unless closed.</param>
/// <param name="PreferredClaimId">The claim a curator judged better supported, if any.</param>
/// <param name="Certainty">certain, or possible (with the reason in certaintyReason).</param>
public sealed record ConflictDetail(
    long Id,
    ConflictRule Rule,
    ConflictScope Scope,
    ConflictStatus Status,
    string Explanation,
    string? Note,
    long? PreferredClaimId,
    string? ClosedReason,
    int Version,
    ClaimDetail[] Claims,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? UpdatedBy,
    ConflictCertainty Certainty = ConflictCertainty.Certain,
    string? CertaintyReason = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => $"\"v{Version}\"";
}
