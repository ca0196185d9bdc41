using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Timeline;

/// <param name="When">The date the claim names, at its precision.</param>
/// <param name="Modifier">How the claim relates to the date: on, by (a deadline), before, after, from, until.</param>
public sealed record TimelineItem(DateView When, TimeModifier Modifier, ClaimDetail Claim);

/// <param name="Subject">Claims about this subject: its id, name or alias (any case), e.g. US military presence in Iraq; and by default its narrower subjects.</param>
/// <param name="IncludeNarrower">true (the default) includes the subject's narrower subjects: a topic's timeline shows its events; false leaves them out.</param>
/// <param name="From">Items whose period ends on or after this date: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-08.</param>
/// <param name="To">Items whose period starts on or before this date's period: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2026.</param>
public sealed record TimelineQuery(
    [property: FromQuery(Name = "subject")] string? Subject,
    [property: FromQuery(Name = "include_narrower")] Param<bool>? IncludeNarrower,
    [property: FromQuery(Name = "from")] Param<PartialDate>? From,
    [property: FromQuery(Name = "to")] Param<PartialDate>? To)
{
    public sealed class Validator : AbstractValidator<TimelineQuery>
    {
        public Validator() =>
            RuleFor(q => q).Must(q => q.From!.Value.Value.Start < q.To!.Value.Value.End)
                .When(q => q.From is { IsValid: true } && q.To is { IsValid: true })
                .OverridePropertyName("from").WithMessage("must not be after to.");
    }
}

public static class GetTimeline
{
    public sealed record Position(DateOnly Start, DateOnly End, long Id);

    public static async Task<Results<Ok<Page<TimelineItem>>, ValidationProblem>> Handle(
        [AsParameters] TimelineQuery query, [AsParameters] PageQuery<Position> page, ReadDb db, CancellationToken ct)
    {
        var (after, take) = (page.After, page.Take);
        var (from, to) = (query.From?.Value, query.To?.Value);

        await using var connection = await db.OpenConnectionAsync(ct);
        long[]? subjects = null;
        if (query.Subject is { } subjectRef)
        {
            if (await SubjectLookup.ByReferenceAsync(connection, null, subjectRef, ct) is not { } subject)
            {
                return Problems.BadParameter("subject", $"no subject has the id, name or alias \"{subjectRef}\".");
            }
            subjects = query.IncludeNarrower?.Value == false ? [subject.Id] : [.. await ClaimFilter.NarrowerAsync(connection, subject.Id, ct)];
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
            next = Cursor<Position>.Encode(new Position(last.Start, last.End, items[take - 1].Claim.Id));
            items.RemoveAt(take);
        }
        return TypedResults.Ok(new Page<TimelineItem>(items, next));
    }
}
