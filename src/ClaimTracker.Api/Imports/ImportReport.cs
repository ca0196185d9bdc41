namespace ClaimTracker.Api.Imports;

// The lines of an NDJSON import: each line is one JSON object, the body of the single-item endpoint (POST /subjects,
// /sources, /sources/{id}/passages, /claims) with a "type" saying which, and a "ref" naming a source, passage or claim
// so that later lines can point at it ("source" and "passage" refs stand where the endpoint takes "sourceId" and
// "passageId"). Each is read into that endpoint's own request type and checked by its own validator.

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
