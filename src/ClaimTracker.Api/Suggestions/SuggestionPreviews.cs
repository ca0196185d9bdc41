using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Suggestions;

/// <summary>
/// What accepting a suggestion would do, found by doing it: each proposed claim is written inside a savepoint through
/// <see cref="ClaimWrites.CreateAsync"/> (resolution, conflicts, corroboration all by the one write path and the SQL
/// rules), its conflicts and agreeing claims are read, and the savepoint is rolled back. The caller's transaction is
/// never committed. Each claim is previewed alone, so that two suggestions of one source do not see each other.
/// </summary>
public static class SuggestionPreviews
{
    private static readonly CreateClaimRequest.Validator Rules = new();

    /// <summary>Whether the suggestion can be previewed: open, complete, and of the revision new claims are anchored in.</summary>
    public static bool Previewable(SuggestionView s, SourceSuggestions.Computed computed) =>
        s.State == SuggestionState.Open && s.Missing.Length == 0 && computed.Revision == computed.Latest;

    /// <summary>The suggestions with their previews (those that cannot be previewed are returned as they are).</summary>
    public static async Task<List<SuggestionView>> PreviewAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, SourceSuggestions.Computed computed, IReadOnlyList<SuggestionView> items, CancellationToken ct)
    {
        var found = new List<(SuggestionView View, List<(long Id, Conflicts.ConflictRule Rule, Conflicts.ConflictScope Scope)> Conflicts, List<long> Agrees, string? Refused)>();
        // A read has no curator: the rolled-back claims are written in the name of the source's curator.
        var w = new WriteContext(connection, tx, computed.CreatedBy, ct);
        foreach (var view in items)
        {
            if (!Previewable(view, computed)) { found.Add((view, [], [], null)); continue; }
            var request = Request(view.Claim);
            var invalid = (await Rules.ValidateAsync(request, ct)).Errors.FirstOrDefault();
            if (invalid is not null) { found.Add((view, [], [], $"{invalid.PropertyName}: {invalid.ErrorMessage}")); continue; }
            await tx.SaveAsync("suggestion_preview", ct);
            try
            {
                var (claim, problem) = await ClaimWrites.CreateAsync(w, request);
                if (claim is null)
                {
                    found.Add((view, [], [], problem?.ProblemDetails.Detail ?? "refused"));
                    continue;
                }
                var agrees = (await connection.QueryAsync<long>(new CommandDefinition(
                    "select id from agreeing_claims(@id) order by id", new { id = claim.Id }, tx, cancellationToken: ct))).ToList();
                found.Add((view, [.. claim.Conflicts.Select(c => (c.OtherClaimId, c.Rule, c.Scope))], agrees, null));
            }
            finally
            {
                await tx.RollbackAsync("suggestion_preview", ct);
            }
        }

        // The other claims in words, read once each after every rollback.
        var others = found.SelectMany(f => f.Conflicts.Select(c => c.Id).Concat(f.Agrees)).Distinct().ToArray();
        var texts = others.Length == 0 ? new Dictionary<long, string>()
            : (await ClaimQuery.ManyAsync(connection, tx, "where c.id = any(@ids)", new { ids = others }, ct)).ToDictionary(c => c.Id, c => c.Text);
        return [.. found.Select(f => Previewable(f.View, computed)
            ? f.View with
            {
                Preview = new SuggestionPreview(
                    [.. f.Conflicts.Select(c => new WouldConflict(c.Id, c.Rule, c.Scope, texts.GetValueOrDefault(c.Id, "")))],
                    [.. f.Agrees.Select(id => new WouldAgree(id, texts.GetValueOrDefault(id, "")))],
                    f.Refused),
            }
            : f.View)];
    }

    /// <summary>A complete proposed claim as the body of POST /claims.</summary>
    public static CreateClaimRequest Request(ProposedClaim c) =>
        new(c.Property!, c.Value!, c.Evidence, SubjectId: c.SubjectId, AssertedById: c.AssertedById, ValidAt: c.ValidAt,
            StatedOn: c.StatedOn, Note: c.Note, Status: ClaimStatus.Draft);

    /// <summary>The proposed claim in its JSON input form, with only the fields it has: the base a curator's changes merge into.</summary>
    public static JsonObject Input(ProposedClaim c, JsonSerializerOptions json)
    {
        var node = JsonSerializer.SerializeToNode(c, json)!.AsObject();
        Prune(node);
        return node;
    }

    private static void Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList()) o.Remove(key);
                foreach (var (_, child) in o) Prune(child);
                break;
            case JsonArray a:
                foreach (var child in a) Prune(child);
                break;
        }
    }
}
