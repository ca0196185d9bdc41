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

    /// <summary>A new anonymous speaker, as the report describes them: a subject of its own.</summary>
    Task<long> AnonymousAsync(string description);

    /// <summary>The language and publication date of a source, for reading expressions.</summary>
    Task<ReportContext?> ReportAsync(long sourceId);

    /// <summary>The claim a part would belong to: its property and whether it can be a whole (a live quantity, not itself a part).</summary>
    Task<(long PropertyId, bool CanBeWhole)?> WholeAsync(long claimId);
}

/// <summary>
/// The one resolver of claim inputs: property, subject, asserter, times and evidence, with one wording for every
/// error whichever path writes the claim (POST, PATCH, import, seeds, derived claims).
/// </summary>
public static class ClaimResolver
{
    /// <param name="report">The report the claim's expressions are read against; by default its first supporting source.</param>
    /// <param name="self">The claim being revised, if any: it cannot be a part of itself.</param>
    public static async Task<(ResolvedClaim? Claim, FieldFailure? Failure)> ResolveAsync(
        IClaimLookups lookups, CreateClaimRequest input, ClaimStatus? status = null, string? retractedReason = null, bool evidence = true,
        ReportContext? report = null, long? self = null)
    {
        var property = await lookups.PropertyAsync(input.Property.Trim());
        if (property is null) return (null, new("property", $"no property has the key \"{input.Property}\"; see GET /properties."));
        var (subject, subjectFailure) = await SubjectAsync(lookups, input.Subject, input.SubjectId, "subject");
        if (subjectFailure is not null) return (null, subjectFailure);
        var (chain, chainFailure) = await ChainAsync(lookups, input);
        if (chainFailure is not null) return (null, chainFailure);
        if (input.PartOf is { } whole && await PartFailureAsync(lookups, whole, property, self) is { } partFailure) return (null, partFailure);

        List<EvidenceLink> links = [];
        if (evidence)
        {
            var (found, evidenceFailure) = await EvidenceAsync(lookups, input.Evidence, "evidence");
            if (evidenceFailure is not null) return (null, evidenceFailure);
            links = found!;
            if (report is null && links.FirstOrDefault(l => l.Stance == EvidenceStance.Supports) is { } first) report = await lookups.ReportAsync(first.SourceId);
        }
        if (input.Value.Mismatch(property) is { } kind) return (null, new($"value.{kind.Field}", kind.Reason));
        var (meaning, valueFailure) = ClaimValues.Read(input.Value, property, report);
        if (valueFailure is not null) return (null, valueFailure);

        var fields = new ClaimFields(
            subject!.Value, property, meaning!,
            PartialDate.ParseOrNull(input.ValidFrom ?? input.ValidAt), PartialDate.ParseOrNull(input.ValidTo ?? input.ValidAt),
            PartialDate.ParseOrNull(input.StatedOn), chain.Count > 0 ? chain[^1] : null, Blank(input.Location), Blank(input.Note),
            status ?? input.Status, retractedReason, input.Rank, input.PartOf, [.. chain]);
        if (fields.Check() is { } mismatch) return (null, mismatch);
        return (new ResolvedClaim(fields, links), null);
    }

    /// <summary>The voices, outermost first: the attribution chain, or the single asserter; none for the source's own voice.</summary>
    private static async Task<(List<long> Chain, FieldFailure? Failure)> ChainAsync(IClaimLookups lookups, CreateClaimRequest input)
    {
        if (input.Attribution is not { } voices)
        {
            var (asserter, failure) = await SubjectAsync(lookups, input.AssertedBy, input.AssertedById, "assertedBy");
            return failure is not null ? ([], failure) : (asserter is { } a ? [a] : [], null);
        }
        var chain = new List<long>();
        for (var i = 0; i < voices.Length; i++)
        {
            var voice = voices[i];
            if (voice.Anonymous is { } description)
            {
                chain.Add(await lookups.AnonymousAsync(CodePoints.Nfc(description.Trim())));
                continue;
            }
            var (speaker, failure) = await SubjectAsync(lookups, voice.Subject, voice.SubjectId, $"attribution[{i}].subject");
            if (failure is not null) return ([], failure);
            chain.Add(speaker!.Value);
        }
        return (chain, null);
    }

    private static async Task<FieldFailure?> PartFailureAsync(IClaimLookups lookups, long whole, PropertyDetail property, long? self)
    {
        if (whole == self) return new("partOf", "names the claim itself.");
        if (await lookups.WholeAsync(whole) is not { } target) return new("partOf", $"no claim has id {whole}.");
        if (!target.CanBeWhole) return new("partOf", $"claim {whole} cannot be a whole: it is retracted, not a quantity, or itself a part of another claim.");
        return target.PropertyId == property.Id ? null
            : new("partOf", $"claim {whole} is about another property: a part counts what its whole counts (\"{property.Key}\").");
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
        if (name is not null && name.Trim().Length == 0) return (null, new(field, "must not be blank."));
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

    public Task<long> AnonymousAsync(string description) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into subjects (name, kind, anonymous, created_by) values (@description, 'anonymous speaker', true, @curatorId) returning id
            """, new { description, curatorId }, tx, cancellationToken: ct));

    public async Task<ReportContext?> ReportAsync(long sourceId) =>
        (await connection.QuerySingleOrDefaultAsync<(string Language, DateOnly? PublishedOn, string? PublishedPrecision)?>(new CommandDefinition(
            "select language, published_on, published_precision from sources where id = @sourceId", new { sourceId }, tx, cancellationToken: ct)))
        is { } s ? new ReportContext(s.Language, PartialDate.FromDb(s.PublishedOn, s.PublishedPrecision)) : null;

    public async Task<(long PropertyId, bool CanBeWhole)?> WholeAsync(long claimId) =>
        (await connection.QuerySingleOrDefaultAsync<(long PropertyId, bool CanBeWhole)?>(new CommandDefinition("""
            select property_id, status <> 'retracted' and value_kind = 'quantity' and part_of is null from claims where id = @claimId
            """, new { claimId }, tx, cancellationToken: ct)));
}
