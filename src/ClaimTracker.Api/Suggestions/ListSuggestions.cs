using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Suggestions;

public static class ListSuggestions
{
    /// <param name="revisionParam">The revision whose suggestions to give, by its number, e.g. 1 (default: the latest).</param>
    /// <param name="stateParam">Only the suggestions in this state, e.g. open (default: every state).</param>
    /// <param name="kindParam">Only the suggestions of this kind, e.g. quantity (default: every kind).</param>
    /// <param name="previewParam">Also give, for each open suggestion that is complete, the existing claims accepting it would conflict or agree with, e.g. true (default false: one rolled-back claim write per suggestion).</param>
    public static async Task<Results<Ok<SuggestionList>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam,
        [FromQuery(Name = "revision")] Param<int>? revisionParam,
        [FromQuery(Name = "state")] Param<SuggestionState>? stateParam,
        [FromQuery(Name = "kind")] Param<SuggestionType>? kindParam,
        [FromQuery(Name = "preview")] Param<bool>? previewParam,
        NpgsqlDataSource db, CancellationToken ct) =>
        await AgainOnSerializationFailureAsync(() => ListAsync(idParam.Value, revisionParam?.Value, stateParam, kindParam, previewParam, db, ct));

    private static async Task<Results<Ok<SuggestionList>, ProblemHttpResult>> ListAsync(long id, int? revision,
        Param<SuggestionState>? stateParam, Param<SuggestionType>? kindParam, Param<bool>? previewParam, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // One transaction, so that the text, the subjects and the claims are read at one moment; never committed.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var computed = await SourceSuggestions.ComputeAsync(connection, tx, id, revision, ct);
        if (computed is null) return await NotFoundAsync(connection, tx, id, revision, ct);

        var all = computed.Items;
        var counts = new SuggestionCounts(
            all.Count(s => s.State == SuggestionState.Open), all.Count(s => s.State == SuggestionState.Claimed),
            all.Count(s => s.State == SuggestionState.Accepted), all.Count(s => s.State == SuggestionState.Dismissed));
        IReadOnlyList<SuggestionView> items = [.. all.Where(s => (stateParam is not { } state || s.State == state.Value) && (kindParam is not { } kind || s.Kind == kind.Value))];
        if (previewParam?.Value == true) items = await SuggestionPreviews.PreviewAsync(connection, tx, computed, items, ct);
        return TypedResults.Ok(new SuggestionList(computed.SourceId, computed.Revision, computed.Latest, counts, [.. items]));
    }

    /// <param name="suggestionParam">The suggestion's id, as the list gives it, e.g. r1-q412-418.</param>
    public static async Task<Results<Ok<SuggestionView>, ProblemHttpResult>> Get(
        [FromRoute(Name = "id")] Param<long> idParam,
        [FromRoute(Name = "suggestion")] Param<SuggestionId> suggestionParam,
        NpgsqlDataSource db, CancellationToken ct) =>
        await AgainOnSerializationFailureAsync(() => GetAsync(idParam.Value, suggestionParam.Value, db, ct));

    private static async Task<Results<Ok<SuggestionView>, ProblemHttpResult>> GetAsync(long id, SuggestionId suggestion, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var computed = await SourceSuggestions.ComputeAsync(connection, tx, id, suggestion.Revision, ct);
        if (computed is null) return await NotFoundAsync(connection, tx, id, suggestion.Revision, ct);
        var view = computed.Items.FirstOrDefault(s => s.Id == suggestion.ToString());
        if (view is null) return UnknownSuggestion(id, suggestion);
        return TypedResults.Ok((await SuggestionPreviews.PreviewAsync(connection, tx, computed, [view], ct))[0]);
    }

    /// <summary>
    /// Runs a read again (up to three times) when PostgreSQL refuses it as a serialization failure: a preview writes the
    /// proposed claim under repeatable read and rolls it back, and a write committed meanwhile on a row it writes too
    /// (a passage at the same span) refuses it. Nothing was kept, so the read simply starts over on a fresh snapshot.
    /// </summary>
    private static async Task<T> AgainOnSerializationFailureAsync<T>(Func<Task<T>> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure && attempt < 3)
            {
            }
        }
    }

    internal static async Task<ProblemHttpResult> NotFoundAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, int? revision, CancellationToken ct) =>
        revision is null || !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from sources where id = @id)", new { id }, tx, cancellationToken: ct))
            ? Problems.NotFound("Source", id)
            : TypedResults.Problem(statusCode: 404, title: "Revision not found.", detail: $"Source {id} has no revision {revision}.");

    internal static ProblemHttpResult UnknownSuggestion(long sourceId, SuggestionId suggestion, string? field = null) =>
        TypedResults.Problem(statusCode: 404, title: "Suggestion not found.",
            detail: $"Revision {suggestion.Revision} of source {sourceId} has no suggestion {suggestion}; GET /sources/{sourceId}/suggestions lists them.",
            extensions: new Dictionary<string, object?> { ["suggestion"] = suggestion.ToString(), ["field"] = field });
}
