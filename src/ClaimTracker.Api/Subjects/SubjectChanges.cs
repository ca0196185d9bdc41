using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;

namespace ClaimTracker.Api.Subjects;

/// <summary>What a change to a subject's names or place means for the claims that read them.</summary>
public static class SubjectChanges
{
    /// <summary>
    /// A claim's search document holds its subject's names and its asserter's name, and its conflicts its subject's
    /// place: every claim about or asserted by the subject is brought up to date in the same transaction.
    /// </summary>
    public static async Task RefreshClaimsAsync(WriteContext w, long subjectId)
    {
        var ids = (await w.Connection.QueryAsync<long>(new CommandDefinition(
            "select id from claims where subject_id = @subjectId or asserted_by = @subjectId",
            new { subjectId }, w.Transaction, cancellationToken: w.Ct))).ToArray();
        await ClaimWrites.RefreshAsync(w, ids);
    }
}
