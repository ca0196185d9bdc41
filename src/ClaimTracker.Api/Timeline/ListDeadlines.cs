using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Timeline;

public enum DeadlineStatus { Pending, Met, Missed, PastDue }

/// <param name="Deadline">The date it falls due, at its precision ("by September 2026" is due at the end of September).</param>
/// <param name="AsOf">The day the status was judged.</param>
/// <param name="Completion">The earliest claim that the thing was done (property completed, same subject), if any.</param>
public sealed record DeadlineItem(ClaimDetail Claim, DateView Deadline, DeadlineStatus Status, DateOnly AsOf, ClaimDetail? Completion);

/// <param name="Status">pending, met, missed or past_due.</param>
/// <param name="Subject">Deadlines about this subject: its id, name or alias (any case), e.g. US withdrawal from Iraq; or about its narrower subjects.</param>
/// <param name="AsOf">Judge the deadlines as of this day, written YYYY-MM-DD, e.g. 2025-10-01; today by default.</param>
public sealed record DeadlinesQuery(
    [property: FromQuery(Name = "status")] Param<DeadlineStatus>? Status,
    [property: FromQuery(Name = "subject")] string? Subject,
    [property: FromQuery(Name = "as_of")] Param<DateOnly>? AsOf);

public static class ListDeadlines
{
    public static async Task<Results<Ok<DeadlineItem[]>, ValidationProblem>> Handle(
        [AsParameters] DeadlinesQuery query, ReadDb db, TimeProvider clock, CancellationToken ct)
    {
        var wanted = query.Status?.Value;
        var asOf = query.AsOf?.Value ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        await using var connection = await db.OpenConnectionAsync(ct);
        long[]? subjects = null;
        if (query.Subject is { } subjectRef)
        {
            if (await SubjectLookup.ByReferenceAsync(connection, null, subjectRef, ct) is not { } subject)
            {
                return Problems.BadParameter("subject", $"no subject has the id, name or alias \"{subjectRef}\".");
            }
            subjects = [.. await ClaimFilter.NarrowerAsync(connection, subject.Id, ct)];
        }

        var deadlines = await ClaimQuery.ManyAsync(connection, null, """
            where c.property_id = (select id from properties where key = 'deadline')
              and c.value_kind = 'time' and c.status <> 'retracted'
              and (@subjects::bigint[] is null or c.subject_id = any(@subjects))
            order by lower(c.time_range), c.id
            limit 1000
            """, new { subjects }, ct);
        var subjectIds = deadlines.Select(d => d.Subject.Id).Distinct().ToArray();
        var completions = subjectIds.Length == 0 ? [] : await ClaimQuery.ManyAsync(connection, null, """
            where c.property_id = (select id from properties where key = 'completed')
              and c.value_kind = 'time' and c.status <> 'retracted' and c.subject_id = any(@subjectIds)
            order by lower(c.time_range), c.id
            """, new { subjectIds }, ct);

        var items = deadlines.Select(d =>
        {
            var due = PartialDate.ParseOrNull(d.Value.Date)!.Value;
            var done = completions.FirstOrDefault(c => c.Subject.Id == d.Subject.Id);
            var status = done is null
                ? (due.End <= asOf ? DeadlineStatus.PastDue : DeadlineStatus.Pending)
                : (PartialDate.ParseOrNull(done.Value.Date)!.Value.Start < due.End ? DeadlineStatus.Met : DeadlineStatus.Missed);
            return new DeadlineItem(d, new DateView(d.Value.Date!, due.Precision), status, asOf, done);
        });
        return TypedResults.Ok(items.Where(i => wanted is null || i.Status == wanted).ToArray());
    }
}
