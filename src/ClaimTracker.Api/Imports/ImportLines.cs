using ClaimTracker.Api.Claims;

namespace ClaimTracker.Api.Imports;

// The lines of an NDJSON import. Each line is one JSON object whose "type" says what it is; the other fields are
// those of the single-item endpoint, and "ref" names a source, passage or claim so later lines can point at it.

/// <summary>{"type":"subject", ...}: as POST /subjects.</summary>
public sealed record ImportSubject(string Type, string Name, string? Kind = null, string? Description = null, string[]? Aliases = null, string? Broader = null);

/// <summary>{"type":"source","ref":"s1", ...}: as POST /sources.</summary>
public sealed record ImportSource(
    string Type, string Ref, string Title, string Body, string Language, string? Subtitle = null, string? Outlet = null,
    string[]? Authors = null, string? Url = null, string? Published = null, string? RetrievedOn = null, Dictionary<string, string>? Provenance = null);

/// <summary>{"type":"passage","ref":"p1","source":"s1", ...}: as POST /sources/{id}/passages; "source" is a ref, "sourceId" an id.</summary>
public sealed record ImportPassage(
    string Type, string? Ref = null, string? Source = null, long? SourceId = null, int? Start = null, int? End = null,
    string? Exact = null, string? Prefix = null, string? Suffix = null);

/// <summary>Evidence of an imported claim: a passage by ref or id, or a new passage in a source (by ref or id).</summary>
public sealed record ImportEvidence(
    string? Passage = null, long? PassageId = null, string? Source = null, long? SourceId = null, string? Exact = null,
    string? Prefix = null, string? Suffix = null, int? Start = null, int? End = null, EvidenceStance Stance = EvidenceStance.Supports);

/// <summary>{"type":"claim", ...}: as POST /claims, with evidence that may point at refs.</summary>
public sealed record ImportClaim(
    string Type,
    string Property,
    ClaimValueInput Value,
    ImportEvidence[] Evidence,
    string? Ref = null,
    string? Subject = null,
    long? SubjectId = null,
    string? AssertedBy = null,
    long? AssertedById = null,
    string? ValidAt = null,
    string? ValidFrom = null,
    string? ValidTo = null,
    string? StatedOn = null,
    string? Location = null,
    string? Note = null,
    ClaimStatus Status = ClaimStatus.Draft,
    ClaimRank Rank = ClaimRank.Normal);

/// <param name="Line">1-based line number in the NDJSON body.</param>
/// <param name="Field">The field at fault, as the single-item endpoint would name it ("$" for the whole line).</param>
public sealed record ImportRejection(long Line, string Field, string Reason);

public sealed record ImportCounts(long Subjects, long Sources, long Passages, long Claims, long Evidence);

/// <param name="Committed">True when every line was valid and everything was written; false when nothing was.</param>
/// <param name="Rejected">The rejected lines with the reason (the first 1000).</param>
/// <param name="RejectedCount">How many lines were rejected in all.</param>
/// <param name="ConflictsOpened">Conflicts the imported claims opened, computed set-wise after the rows were written.</param>
public sealed record ImportReport(
    bool Committed, long Lines, ImportCounts Imported, long ConflictsOpened, ImportRejection[] Rejected, long RejectedCount, double Seconds);
