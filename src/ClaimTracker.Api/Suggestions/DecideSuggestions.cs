using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Npgsql;

namespace ClaimTracker.Api.Suggestions;

/// <summary>One suggestion to accept, as proposed or changed.</summary>
/// <param name="Id">The suggestion's id, as the list gives it, e.g. r1-q412-418.</param>
/// <param name="Changes">Fields of the proposed claim to change before it is written: a JSON merge patch over the
/// suggestion's claim with the field names of POST /claims (null clears a field; a value is replaced as a whole).</param>
public sealed record AcceptItem([property: System.ComponentModel.DataAnnotations.MaxLength(40)] string Id, JsonObject? Changes = null);

/// <summary>Suggestions of a source's latest revision to make draft claims of, all in one transaction.</summary>
/// <param name="Suggestions">The suggestions, in the order they are written (at most 200).</param>
public sealed record AcceptSuggestionsRequest(AcceptItem[] Suggestions)
{
    public const int MaxItems = 200;

    public sealed class Validator : AbstractValidator<AcceptSuggestionsRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Suggestions).NotEmpty().WithMessage("must name at least one suggestion.")
                .MaxItems(MaxItems).WithMessage($"must hold at most {MaxItems} items.")
                .Must(items => items.Where(i => i is not null).Select(i => i.Id).Distinct().Count() == items.Count(i => i is not null))
                .WithMessage("names a suggestion twice.");
            RuleForEach(r => r.Suggestions).NotNull().WithMessage("must be an object, not null.").ChildRules(item =>
            {
                item.RuleFor(i => i.Id).NotEmpty().MaximumLength(40)
                    .Must(id => SuggestionId.TryRead(id, out _)).WithMessage("must be " + SuggestionId.Expected);
                item.RuleFor(i => i.Changes).Must(c => c is null || c["status"] is null || c["status"] is JsonValue v && v.TryGetValue<string>(out var s) && s == "draft")
                    .WithMessage("may not set status: a suggestion becomes a draft claim; verify it afterwards with PATCH /claims/{id}.");
            });
        }
    }

    /// <summary>The contract shows the changes as what they are: the fields of a new claim, all optional.</summary>
    public static async Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonTypeInfo.Type != typeof(AcceptItem)) return;
        var claim = await context.GetOrCreateSchemaAsync(typeof(CreateClaimRequest), cancellationToken: ct);
        var changes = new OpenApiSchema
        {
            Type = JsonSchemaType.Object | JsonSchemaType.Null,
            Description = "Fields of the proposed claim to change, as POST /claims names them (a JSON merge patch).",
            Properties = new Dictionary<string, IOpenApiSchema>(claim.Properties ?? new Dictionary<string, IOpenApiSchema>()),
            AdditionalPropertiesAllowed = false,
        };
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["changes"] = changes;
    }
}

/// <param name="Suggestion">The suggestion's id.</param>
/// <param name="Claim">The draft claim it became, with the conflicts it opened.</param>
public sealed record AcceptedSuggestion(string Suggestion, ClaimDetail Claim);

public sealed record AcceptSuggestionsResult(long SourceId, int Revision, AcceptedSuggestion[] Accepted);

/// <summary>Suggestions of a source's latest revision a curator refuses; they stay dismissed for that revision.</summary>
/// <param name="Suggestions">The suggestions' ids, e.g. r1-q412-418 (at most 200).</param>
/// <param name="Reason">Why they are dismissed, for the record, e.g. not a claim.</param>
public sealed record DismissSuggestionsRequest(string[] Suggestions, string? Reason = null)
{
    public sealed class Validator : AbstractValidator<DismissSuggestionsRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Suggestions).NotEmpty().WithMessage("must name at least one suggestion.")
                .MaxItems(AcceptSuggestionsRequest.MaxItems).WithMessage($"must hold at most {AcceptSuggestionsRequest.MaxItems} items.");
            RuleForEach(r => r.Suggestions).NotEmpty().MaximumLength(40)
                .Must(id => id is not null && SuggestionId.TryRead(id, out _)).WithMessage("must be " + SuggestionId.Expected);
            RuleFor(r => r.Reason).MaximumLength(2_000);
        }
    }
}

/// <param name="Dismissed">The suggestions now dismissed (those dismissed before included).</param>
public sealed record DismissSuggestionsResult(long SourceId, int Revision, string[] Dismissed);

/// <summary>
/// A curator's decisions on suggestions: accepting makes draft claims through the one claim write path (as POST
/// /claims), dismissing records the refusal. Both need the source's latest revision, and either every item is carried
/// out or none (one transaction; the refusal names the item and the field).
/// </summary>
public static class DecideSuggestions
{
    private static readonly CreateClaimRequest.Validator Rules = new();

    public static async Task<Results<Created<AcceptSuggestionsResult>, ProblemHttpResult, ValidationProblem>> Accept(
        [FromRoute(Name = "id")] Param<long> idParam, AcceptSuggestionsRequest request, NpgsqlDataSource db, HttpContext http,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions, CancellationToken ct)
    {
        var sourceId = idParam.Value;
        var json = jsonOptions.Value.SerializerOptions;
        await using var write = await Write.BeginAsync(http, db, ct);
        var (computed, refused) = await OpenAsync(write, sourceId, request.Suggestions.Select(i => i.Id), ct);
        if (refused is not null) return refused;

        var w = write.Context(ct);
        var accepted = new List<AcceptedSuggestion>();
        for (var i = 0; i < request.Suggestions.Length; i++)
        {
            var item = request.Suggestions[i];
            var at = $"suggestions[{i}]";
            var view = computed!.Items.Single(s => s.Id == item.Id);
            var extensions = new Dictionary<string, object?> { ["suggestion"] = view.Id };
            switch (view.State)
            {
                case SuggestionState.Accepted:
                    return Problems.Conflict("The suggestion is already accepted.", $"{at}: suggestion {view.Id} is already claim {view.Decision!.ClaimId}.",
                        new Dictionary<string, object?>(extensions) { ["claimId"] = view.Decision.ClaimId });
                case SuggestionState.Claimed:
                    return Problems.Conflict("The suggestion is already claimed.",
                        $"{at}: claim {string.Join(", ", view.ClaimedBy)} already states this value on an overlapping passage of the source.",
                        new Dictionary<string, object?>(extensions) { ["claimIds"] = view.ClaimedBy });
            }

            var merged = SuggestionPreviews.Input(view.Claim, json);
            if (item.Changes is { } changes) merged = ClaimInputs.Merge(merged, changes);
            CreateClaimRequest input;
            try
            {
                input = merged.Deserialize<CreateClaimRequest>(json)!;
            }
            catch (JsonException e)
            {
                return Invalid(at, new Dictionary<string, string[]> { [Problems.FieldFromJsonPath(e.Path) is "$" && Problems.MissingField(e.Message) is { } missing ? missing : Problems.FieldFromJsonPath(e.Path)] = [Problems.JsonReason(e)] }, view.Id);
            }
            if (Validation.FindNul(input, null) is { } nul) return Invalid(at, new Dictionary<string, string[]> { [nul] = ["contains the NUL character (U+0000), which text cannot hold."] }, view.Id);
            var errors = (await Rules.ValidateAsync(input, ct)).Errors;
            if (errors.Count > 0) return Invalid(at, errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray()), view.Id);

            var (claim, problem) = await ClaimWrites.CreateAsync(w, input with { Status = ClaimStatus.Draft });
            if (problem is not null) return Prefixed(at, problem, view.Id);
            await write.Connection.ExecuteAsync(new CommandDefinition("""
                insert into suggestion_decisions (revision_id, suggestion, decision, claim_id, created_by)
                values (@revisionId, @suggestion, 'accepted', @claimId, @curatorId)
                on conflict (revision_id, suggestion) do update
                    set decision = 'accepted', claim_id = excluded.claim_id, reason = null, created_by = excluded.created_by, created_at = now()
                """, new { revisionId = computed.RevisionId, suggestion = view.Id, claimId = claim!.Id, curatorId = w.CuratorId }, write.Transaction, cancellationToken: ct));
            accepted.Add(new AcceptedSuggestion(view.Id, claim));
        }
        var result = new AcceptSuggestionsResult(sourceId, computed!.Revision, [.. accepted]);
        return await write.CommitAsync(TypedResults.Created($"/claims/{accepted[0].Claim.Id}", result), ct);
    }

    public static async Task<Results<Ok<DismissSuggestionsResult>, ProblemHttpResult>> Dismiss(
        [FromRoute(Name = "id")] Param<long> idParam, DismissSuggestionsRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var sourceId = idParam.Value;
        await using var write = await Write.BeginAsync(http, db, ct);
        var (computed, refused) = await OpenAsync(write, sourceId, request.Suggestions, ct);
        if (refused is not null) return refused;
        for (var i = 0; i < request.Suggestions.Length; i++)
        {
            var view = computed!.Items.Single(s => s.Id == request.Suggestions[i]);
            if (view.State == SuggestionState.Accepted)
            {
                return Problems.Conflict("The suggestion is already accepted.",
                    $"suggestions[{i}]: suggestion {view.Id} is claim {view.Decision!.ClaimId}; retract the claim with DELETE /claims/{view.Decision.ClaimId} instead.",
                    new Dictionary<string, object?> { ["suggestion"] = view.Id, ["claimId"] = view.Decision.ClaimId });
            }
        }
        // A suggestion dismissed twice keeps its first record.
        await write.Connection.ExecuteAsync(new CommandDefinition("""
            insert into suggestion_decisions (revision_id, suggestion, decision, reason, created_by)
            select @revisionId, s, 'dismissed', @reason, @curatorId from unnest(@suggestions) as s
            on conflict (revision_id, suggestion) do nothing
            """, new { revisionId = computed!.RevisionId, suggestions = request.Suggestions.Distinct().ToArray(), reason = request.Reason?.Trim() is { Length: > 0 } r ? r : null, curatorId = write.CuratorId },
            write.Transaction, cancellationToken: ct));
        return await write.CommitAsync(TypedResults.Ok(new DismissSuggestionsResult(sourceId, computed.Revision, [.. request.Suggestions.Distinct()])), ct);
    }

    /// <summary>
    /// The source locked against a new revision (its suggestions must stay those of the revision decided on), its
    /// suggestions computed, and every id checked: of the latest revision (409 naming it) and known (404).
    /// </summary>
    private static async Task<(SourceSuggestions.Computed? Computed, ProblemHttpResult? Problem)> OpenAsync(
        Write write, long sourceId, IEnumerable<string> ids, CancellationToken ct)
    {
        var latest = await write.Connection.ExecuteScalarAsync<int?>(new CommandDefinition("""
            select (select max(number) from source_revisions r where r.source_id = s.id) from sources s where s.id = @sourceId for share of s
            """, new { sourceId }, write.Transaction, cancellationToken: ct));
        if (latest is null) return (null, Problems.NotFound("Source", sourceId));
        var parsed = ids.Select((text, i) => (Id: SuggestionId.TryRead(text, out var id) ? id : default, At: $"suggestions[{i}]")).ToList();
        if (parsed.FirstOrDefault(p => p.Id.Revision != latest) is { Id.Revision: > 0 } old)
        {
            return (null, Problems.Conflict("The suggestion is for an earlier revision.",
                $"{old.At}: suggestion {old.Id} was made for revision {old.Id.Revision}, but source {sourceId} is at revision {latest}; read GET /sources/{sourceId}/suggestions again.",
                new Dictionary<string, object?> { ["suggestion"] = old.Id.ToString(), ["currentRevision"] = latest }));
        }
        var computed = (await SourceSuggestions.ComputeAsync(write.Connection, write.Transaction, sourceId, latest, ct))!;
        var known = computed.Items.Select(s => s.Id).ToHashSet();
        if (parsed.FirstOrDefault(p => !known.Contains(p.Id.ToString())) is { Id.Revision: > 0 } unknown)
        {
            return (null, ListSuggestions.UnknownSuggestion(sourceId, unknown.Id, unknown.At));
        }
        return (computed, null);
    }

    private static ValidationProblem Invalid(string at, IDictionary<string, string[]> errors, string suggestion) =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => $"{at}.{e.Key}", e => e.Value), title: "The request is not valid.",
            detail: $"Suggestion {suggestion}: " + string.Join(" ", errors.Select(e => $"{at}.{e.Key}: {string.Join(" ", e.Value)}")),
            extensions: new Dictionary<string, object?> { ["suggestion"] = suggestion });

    /// <summary>The claim write path's 422, its field named below the item ("suggestions[2].subject").</summary>
    private static ProblemHttpResult Prefixed(string at, ProblemHttpResult problem, string suggestion)
    {
        var details = problem.ProblemDetails;
        if (details.Status != 422 || !details.Extensions.TryGetValue("errors", out var found) || found is not Dictionary<string, string[]> errors) return problem;
        var (field, reasons) = errors.First();
        var extensions = details.Extensions.Where(e => e.Key != "errors").ToDictionary(e => e.Key, e => e.Value);
        extensions["suggestion"] = suggestion;
        return Problems.Unprocessable($"{at}.{field}", string.Join(" ", reasons), extensions);
    }
}
