using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Timeline;

public static class TimelineEndpoints
{
    public static void MapTimeline(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/timeline").WithTags("Timeline").WithValidation().WithConditionalReads(keep: true)
            .MapGet("/", GetTimeline.Handle)
            .WithName("GetTimeline")
            .WithSummary("Dated claims in order, each at its real precision")
            .WithDescription("Events, deadlines, votes and meetings: every claim whose value is a date, ordered by the period it names. A coarser period comes before the finer ones inside it and is never shown as its first day: \"January 2024\" stays a month.");

        routes.MapGroup("/deadlines").WithTags("Timeline").WithValidation().WithConditionalReads(today: true, keep: true)
            .MapGet("/", ListDeadlines.Handle)
            .WithName("ListDeadlines")
            .WithSummary("Deadlines tracked against later claims")
            .WithDescription("Each deadline claim (property deadline) with its status as of a date (today by default): met (a completed claim on the same subject falls within the deadline), missed (completed after it), past_due (its period is over and no completion is reported) or pending.");
    }
}
