using System.Reflection;
using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.Metadata;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>
/// Claim answers kept ready (db/migrations/0013_claim_documents.sql): the JSON of a claim's last built answer, served
/// while nothing it reads has changed. Every change bumps the counter of each subject and property it touches, or the
/// one counter for everything; a document carries the counters it was built at, read before it was built, and is
/// served only while they are current. So a kept answer is never older than one built now, and a write never rewrites
/// documents: the next read of a claim whose group changed builds its answer again.
/// </summary>
public static class ClaimDocuments
{
    /// <summary>The build that writes a document: another build may write the same claim's answer differently. Builds are
    /// deterministic, so the same code gives the same id.</summary>
    public static readonly Guid Format = typeof(ClaimDocuments).Assembly.ManifestModule.ModuleVersionId;

    // One statement, one snapshot: the claim, the counters now, and the document if it was built at them.
    private const string LookupSql = """
        select c.version, c.subject_id, c.property_id, e.epoch as global_epoch, coalesce(g.epoch, 0) as group_epoch,
               (select d.body from claim_documents d
                where d.claim_id = c.id and d.format = @format and d.version = c.version
                  and d.subject_id = c.subject_id and d.property_id = c.property_id
                  and d.group_epoch = coalesce(g.epoch, 0) and d.global_epoch = e.epoch) as body
        from claims c
        cross join claim_document_epoch e
        left join claim_group_epochs g on g.subject_id = c.subject_id and g.property_id = c.property_id
        where c.id = @id
        """;

    // A reader that built from older data may overwrite a newer document: it then carries older counters, and the next
    // read builds again. Nothing stale is ever served, so no lock is needed.
    private const string KeepSql = """
        insert into claim_documents (claim_id, subject_id, property_id, version, group_epoch, global_epoch, format, body)
        values (@ClaimId, @SubjectId, @PropertyId, @Version, @GroupEpoch, @GlobalEpoch, @Format, @Body)
        on conflict (claim_id) do update set
            subject_id = excluded.subject_id, property_id = excluded.property_id, version = excluded.version,
            group_epoch = excluded.group_epoch, global_epoch = excluded.global_epoch, format = excluded.format, body = excluded.body
        """;

    /// <summary>What a look-up found: the claim's version and the counters now, with the kept answer when it is current.</summary>
    public class Lookup
    {
        public int Version { get; init; }
        public long SubjectId { get; init; }
        public long PropertyId { get; init; }
        public long GlobalEpoch { get; init; }
        public long GroupEpoch { get; init; }
        public byte[]? Body { get; init; }
    }

    /// <summary>The look-up of <see cref="FindAsync"/> with the columns of a conditional read's ETag before it
    /// (<c>changes</c>, and whether the claim was <c>found</c>), so that one statement serves both (Infrastructure/ConditionalReads.cs).</summary>
    public static readonly string TaggedLookupSql = $"""
        select {Infrastructure.ConditionalReads.ChangeCount} as changes, l.version is not null as found,
               coalesce(l.version, 0) as version, coalesce(l.subject_id, 0) as subject_id, coalesce(l.property_id, 0) as property_id,
               coalesce(l.global_epoch, 0) as global_epoch, coalesce(l.group_epoch, 0) as group_epoch, l.body
        from (select 1) one left join lateral ({LookupSql}) l on true
        """;

    public static object Parameters(long id) => new { id, format = Format };

    /// <summary>A row of <see cref="TaggedLookupSql"/>: the ETag's change count, and the look-up when the claim exists.</summary>
    public sealed class Tagged : Lookup
    {
        public long Changes { get; init; }
        public bool Found { get; init; }
    }

    /// <summary>The tagged look-up, handed on to the handler when the claim exists.</summary>
    public static async Task<Tagged> FindTaggedAsync(HttpContext http, NpgsqlConnection connection, long id, CancellationToken ct)
    {
        var tagged = await connection.QuerySingleAsync<Tagged>(new CommandDefinition(TaggedLookupSql, Parameters(id), cancellationToken: ct));
        if (tagged.Found) http.Items[typeof(Lookup)] = tagged;
        return tagged;
    }

    /// <returns>Null when there is no such claim.</returns>
    public static async Task<Lookup?> FindAsync(HttpContext http, NpgsqlConnection connection, long id, CancellationToken ct) =>
        http.Items.Remove(typeof(Lookup), out var found) && found is Lookup tagged
            ? tagged
            : await connection.QuerySingleOrDefaultAsync<Lookup>(new CommandDefinition(LookupSql, Parameters(id), cancellationToken: ct));

    /// <summary>Keeps a built answer under the counters read before it was built. On a standby (read-only) it is not
    /// kept: the primary keeps its own, and they reach the standby by replication.</summary>
    public static async Task KeepAsync(NpgsqlConnection connection, long id, Lookup before, byte[] body, CancellationToken ct)
    {
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(KeepSql, new
            {
                ClaimId = id, before.SubjectId, before.PropertyId, before.Version, before.GroupEpoch, before.GlobalEpoch, Format, Body = body,
            }, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            // A standby cannot keep it; nothing else is lost than the next read's head start.
        }
    }

    /// <summary>The answer's JSON exactly as the endpoint's typed result would write it.</summary>
    public static byte[] Serialize(ClaimDetail claim, JsonSerializerOptions options) =>
        JsonSerializer.SerializeToUtf8Bytes(claim, options.GetTypeInfo(typeof(ClaimDetail)));
}

/// <summary>A JSON answer already written out (a kept claim document), declared in the contract as the <typeparamref name="T"/>
/// it is the JSON of, as <see cref="Microsoft.AspNetCore.Http.HttpResults.Ok{TValue}"/> declares it.</summary>
public sealed class JsonBytes<T>(byte[] body) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = body.Length;
        return http.Response.SendAsync(body, http.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
