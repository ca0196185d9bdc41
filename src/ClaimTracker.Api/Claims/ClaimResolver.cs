using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>A passage linked to a claim, with its source and stance.</summary>
public sealed record EvidenceLink(long PassageId, long SourceId, EvidenceStance Stance);

/// <summary>A claim input with every name turned into an id: what is stored.</summary>
public sealed record ResolvedClaim(ClaimFields Fields, IReadOnlyList<EvidenceLink> Evidence);

/// <summary>
/// What a claim input names, looked up: in the database for single writes (<see cref="DatabaseLookups"/>), in the
/// import's caches of what it has read so far for a batch. The resolver words every error; lookups only find.
/// </summary>
public interface IClaimLookups
{
    Task<PropertyDetail?> PropertyAsync(string key);
    Task<long?> SubjectByNameAsync(string nameOrAlias);
    Task<bool> SubjectExistsAsync(long id);
    Task<long?> PassageSourceAsync(long passageId);
    /// <summary>Finds or anchors a new passage in a source; the failure names a field of the selector.</summary>
    Task<(long? PassageId, AnchorFailure? Failure, bool SourceMissing)> AnchorAsync(long sourceId, EvidenceInput selector);
}

/// <summary>
/// The one resolver of claim inputs: property, subject, asserter, times and evidence, with one wording for every
/// error whichever path writes the claim (POST, PATCH, import, seeds, derived claims).
/// </summary>
public static class ClaimResolver
{
    public static async Task<(ResolvedClaim? Claim, FieldFailure? Failure)> ResolveAsync(
        IClaimLookups lookups, CreateClaimRequest input, ClaimStatus? status = null, string? retractedReason = null, bool evidence = true)
    {
        var property = await lookups.PropertyAsync(input.Property.Trim());
        if (property is null) return (null, new("property", $"no property has the key \"{input.Property}\"; see GET /properties."));
        var (subject, subjectFailure) = await SubjectAsync(lookups, input.Subject, input.SubjectId, "subject");
        if (subjectFailure is not null) return (null, subjectFailure);
        var (asserter, asserterFailure) = await SubjectAsync(lookups, input.AssertedBy, input.AssertedById, "assertedBy");
        if (asserterFailure is not null) return (null, asserterFailure);

        var fields = new ClaimFields(
            subject!.Value, property, input.Value,
            PartialDate.ParseOrNull(input.ValidFrom ?? input.ValidAt), PartialDate.ParseOrNull(input.ValidTo ?? input.ValidAt),
            PartialDate.ParseOrNull(input.StatedOn), asserter, Blank(input.Location), Blank(input.Note),
            status ?? input.Status, retractedReason, input.Rank);
        if (fields.Check() is { } mismatch) return (null, mismatch);
        if (!evidence) return (new ResolvedClaim(fields, []), null);

        var (links, evidenceFailure) = await EvidenceAsync(lookups, input.Evidence, "evidence");
        return evidenceFailure is not null ? (null, evidenceFailure) : (new ResolvedClaim(fields, links!), null);
    }

    /// <summary>Resolves evidence items; the failure's field is named below <paramref name="field"/> ("evidence[1].exact").</summary>
    public static async Task<(List<EvidenceLink>? Links, FieldFailure? Failure)> EvidenceAsync(
        IClaimLookups lookups, IReadOnlyList<EvidenceInput> items, string field)
    {
        var links = new List<EvidenceLink>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var at = $"{field}[{i}].";
            if (item.PassageId is { } passageId)
            {
                if (await lookups.PassageSourceAsync(passageId) is not { } sourceId) return (null, new(at + "passageId", $"no passage has id {passageId}."));
                links.Add(new(passageId, sourceId, item.Stance));
                continue;
            }
            var (anchored, failure, sourceMissing) = await lookups.AnchorAsync(item.SourceId!.Value, item);
            if (sourceMissing) return (null, new(at + "sourceId", $"no source has id {item.SourceId}."));
            if (failure is not null) return (null, new(at + failure.Field, failure.Reason, failure.Extensions));
            links.Add(new(anchored!.Value, item.SourceId.Value, item.Stance));
        }
        return ([.. links.DistinctBy(e => e.PassageId)], null);
    }

    private static async Task<(long? Id, FieldFailure? Failure)> SubjectAsync(IClaimLookups lookups, string? name, long? id, string field)
    {
        if (id is { } byId)
        {
            return await lookups.SubjectExistsAsync(byId) ? (byId, null) : (null, new(field + "Id", $"no subject has id {byId}."));
        }
        if (name is null) return (null, null);
        return await lookups.SubjectByNameAsync(name.Trim()) is { } found
            ? (found, null)
            : (null, new(field, $"no subject is named or aliased \"{name}\"; add it first (POST /subjects, or a subject line earlier in an import)."));
    }

    private static string? Blank(string? text) => text?.Trim() is { Length: > 0 } t ? t : null;
}

/// <summary>The lookups of a single write, in its own transaction; new passages are anchored (inserted) as found.</summary>
public sealed class DatabaseLookups(NpgsqlConnection connection, NpgsqlTransaction tx, long curatorId, CancellationToken ct) : IClaimLookups
{
    private readonly Dictionary<string, PropertyDetail?> _properties = [];

    public async Task<PropertyDetail?> PropertyAsync(string key)
    {
        if (!_properties.TryGetValue(key, out var property))
        {
            _properties[key] = property = await ListProperties.DefinitionAsync(connection, tx, key, ct);
        }
        return property;
    }

    public Task<long?> SubjectByNameAsync(string nameOrAlias) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select subject_id from subject_aliases where alias_key = lower(@nameOrAlias)", new { nameOrAlias }, tx, cancellationToken: ct));

    public Task<bool> SubjectExistsAsync(long id) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from subjects where id = @id)", new { id }, tx, cancellationToken: ct));

    public Task<long?> PassageSourceAsync(long passageId) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select source_id from passages where id = @passageId", new { passageId }, tx, cancellationToken: ct));

    public async Task<(long? PassageId, AnchorFailure? Failure, bool SourceMissing)> AnchorAsync(long sourceId, EvidenceInput selector)
    {
        var outcome = await CreatePassage.AnchorAsync(connection, tx, sourceId,
            new CreatePassageRequest(selector.Start, selector.End, selector.Exact, selector.Prefix, selector.Suffix), curatorId, ct);
        return outcome.SourceMissing ? (null, null, true) : outcome.Failure is { } failure ? (null, failure, false) : (outcome.PassageId, null, false);
    }
}
