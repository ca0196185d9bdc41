using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Timeline;

/// <param name="When">The date the claim names, at its precision.</param>
/// <param name="Modifier">How the claim relates to the date: on, by (a deadline), before, after, from, until.</param>
public sealed record TimelineItem(DateView When, TimeModifier Modifier, ClaimDetail Claim);

/// <param name="Subject">Claims about this subject (id, name or alias), and by default its narrower subjects.</param>
/// <param name="IncludeNarrower">Include the subject's narrower subjects (default true): a topic's timeline shows its events.</param>
/// <param name="From">Items whose period ends on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).</param>
/// <param name="To">Items whose period starts on or before this date's period.</param>
public sealed record TimelineQuery(
    [property: FromQuery(Name = "subject")] string? Subject,
    [property: FromQuery(Name = "include_narrower")] bool? IncludeNarrower,
    [property: FromQuery(Name = "from")] string? From,
    [property: FromQuery(Name = "to")] string? To,
    [property: FromQuery(Name = "cursor")] string? Cursor,
    [property: FromQuery(Name = "limit")] int? Limit);

public static class GetTimeline
{
    private sealed record Position(DateOnly Start, DateOnly End, long Id);

    public static async Task<Results<Ok<Page<TimelineItem>>, ValidationProblem>> Handle(
        [AsParameters] TimelineQuery query, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Paging.Check<Position>(query.Cursor, query.Limit, out var after, out var take) is { } problem) return problem;
        PartialDate? from = null, to = null;
        if (query.From is not null && (from = PartialDate.ParseOrNull(query.From)) is null)
        {
            return Problems.BadParameter("from", $"must be a real date written as {PartialDate.Format}.");
        }
        if (query.To is not null && (to = PartialDate.ParseOrNull(query.To)) is null)
        {
            return Problems.BadParameter("to", $"must be a real date written as {PartialDate.Format}.");
        }
        if (from is { } f && to is { } t && f.Start >= t.End) return Problems.BadParameter("from", "must not be after to.");

        await using var connection = await db.OpenConnectionAsync(ct);
        long[]? subjects = null;
        if (query.Subject is { } subjectRef)
        {
            if (await SubjectLookup.ByReferenceAsync(connection, null, subjectRef, ct) is not { } subject)
            {
                return Problems.BadParameter("subject", $"no subject has the id, name or alias \"{subjectRef}\".");
            }
            subjects = query.IncludeNarrower == false ? [subject.Id] : [.. await ClaimFilter.NarrowerAsync(connection, subject.Id, ct)];
        }

        // A period sorts by its start, and a longer period before the shorter ones it contains.
        var claims = await ClaimQuery.ManyAsync(connection, null, """
            where c.time_range is not null and c.status <> 'retracted'
              and (@subjects::bigint[] is null or c.subject_id = any(@subjects))
              and c.time_range && daterange(@fromDate::date, @toEnd::date)
              and (@afterStart::date is null
                   or lower(c.time_range) > @afterStart
                   or lower(c.time_range) = @afterStart and (upper(c.time_range) < @afterEnd::date
                       or upper(c.time_range) = @afterEnd::date and c.id > @afterId))
            order by lower(c.time_range), upper(c.time_range) desc, c.id
            limit @limit
            """,
            new
            {
                subjects, fromDate = from?.Start, toEnd = to?.End,
                afterStart = after?.Start, afterEnd = after?.End, afterId = after?.Id, limit = take + 1,
            }, ct);

        var items = claims.Select(c => new TimelineItem(new DateView(c.Value.Date!, c.Value.Precision!.Value), c.Value.Modifier ?? TimeModifier.On, c)).ToList();
        string? next = null;
        if (items.Count > take)
        {
            var last = PartialDate.ParseOrNull(items[take - 1].When.Date)!.Value;
            next = Cursor.Encode(new Position(last.Start, last.End, items[take - 1].Claim.Id));
            items.RemoveAt(take);
        }
        return TypedResults.Ok(new Page<TimelineItem>(items, next));
    }
}
