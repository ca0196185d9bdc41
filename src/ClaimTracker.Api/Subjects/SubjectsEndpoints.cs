using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Subjects;

public static class SubjectsEndpoints
{
    public static void MapSubjects(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/subjects").WithTags("Subjects").WithValidation().WithConditionalReads();

        group.MapPost("/", CreateSubject.Handle)
            .WithName("CreateSubject")
            .ProducesProblems(409, 422)
            .WithSummary("Add a subject")
            .WithDescription("An entity claims are about, or that asserts claims: a force, a coalition, a person, an event. Its name and aliases each resolve to it, case-insensitively; a name or alias already taken is a 409 naming the subject that has it.")
            .RequireCurator();

        group.MapGet("/", ListSubjects.Handle)
            .WithName("ListSubjects")
            .WithSummary("List subjects with their claim counts")
            .WithDescription("Filter by q (a part of any name or alias), or resolve one exact name or alias with name.");

        group.MapGet("/{id}", GetSubject.Handle)
            .WithName("GetSubject")
            .ProducesProblems(404)
            .WithSummary("Get a subject")
            .WithDescription("With its aliases, its broader subject, the narrower subjects it contains, and its claim count.");

        group.MapPost("/{id}/aliases", AddAlias.Handle)
            .WithName("AddSubjectAlias")
            .ProducesProblems(404, 409)
            .WithSummary("Add an alias to a subject")
            .WithDescription("An alias already taken by any subject is a 409 naming that subject. The subject's claims are found by it at once.")
            .RequireCurator();

        group.MapDelete("/{id}/aliases/{alias}", RemoveAlias.Handle)
            .WithName("RemoveSubjectAlias")
            .ProducesProblems(404, 409)
            .WithSummary("Remove an alias from a subject")
            .WithDescription("The subject's claims are no longer found by it. The subject's own name is not an alias to remove (a 409): rename the subject instead.")
            .RequireCurator();

        group.MapPatch("/{id}", UpdateSubject.Handle)
            .WithName("UpdateSubject")
            .ProducesProblems(404, 409, 422)
            .WithSummary("Rename a subject, or change its kind, description or broader subject")
            .WithDescription("Only the fields sent change. A new name keeps the old one as an alias. The claims about the subject, and those it asserts, are brought up to date in the same transaction: searches find them by the new name at once.")
            .RequireCurator();
    }
}
