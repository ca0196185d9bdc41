using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;

namespace ClaimTracker.Api.Subjects;

/// <summary>What a change to a subject's names or place means for the claims that read them.</summary>
public static class SubjectChanges
{
    /// <summary>
    /// A claim's search document holds its subject's names and its asserter's name, and its conflicts its subject's
    /// place: every claim about or asserted by the subject is brought up to date in the same transaction. When the
    /// subject moved (another broader subject, or none), so did its narrower subjects, whose figures are compared with
    /// every subject above them (exceeds_broader in conflicting_pairs): their claims are brought up to date too.
    /// </summary>
    public static async Task RefreshClaimsAsync(WriteContext w, long subjectId, bool moved = false)
    {
        var ids = (await w.Connection.QueryAsync<long>(new CommandDefinition("""
            select id from claims where subject_id = @subjectId or asserted_by = @subjectId
            union
            select c.id from narrower_subjects(@subjectId) n join claims c on c.subject_id = n.id where @moved
            """, new { subjectId, moved }, w.Transaction, cancellationToken: w.Ct))).ToArray();
        await ClaimWrites.RefreshAsync(w, ids);
    }
}
