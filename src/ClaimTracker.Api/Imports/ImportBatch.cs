using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Sources;
using ClaimTracker.Api.Text;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace ClaimTracker.Api.Imports;

internal sealed record SubjectRow(long Id, string Name, string? Kind, string? Description, long? BroaderId, string[] Aliases, bool Anonymous = false);

internal sealed record SourceRow(
    long Id, long RevisionId, string Title, string? Subtitle, string? Outlet, string[] Authors, string? Url, string Language,
    PartialDate? Published, string Provenance, string Body, byte[] Sha256, int Length, DateOnly? RetrievedOn);

internal sealed record PassageRow(long Id, long SourceId, long RevisionId, Anchor Anchor);

internal sealed record EvidenceRow(long ClaimId, long PassageId, long SourceId, EvidenceStance Stance);

internal sealed record BufferedClaim(long Id, ClaimFields Fields, EvidenceRow[] Evidence);

/// <summary>
/// Writes an import's batches on its connection, one after the other in order, while the importer checks the lines
/// of the next batch: the app's checking (parsing, validation, anchoring) and the server's writing (COPY, search
/// documents, indexes) overlap instead of taking turns. With overlap off, each batch is written before the checking
/// goes on, for an import that has only its one connection.
/// </summary>
internal sealed class BatchWriter(NpgsqlConnection connection, NpgsqlTransaction tx, long curatorId, bool overlap, CancellationToken ct)
{
    private Batch _spare = new();
    private Task _writing = Task.CompletedTask;
    private bool _staged;

    /// <summary>The batch being filled.</summary>
    public Batch Filling { get; private set; } = new();

    /// <summary>Batches started so far.</summary>
    public int Started { get; private set; }

    /// <summary>Starts writing the batch being filled (once the one before it is written) and hands out an empty one.</summary>
    public async Task FlushAsync()
    {
        await _writing;
        if (Filling.Rows == 0) return;
        Started++;
        var full = Filling;
        Filling = _spare;
        _spare = full;
        // The staging tables are created by the first batch with claims, and kept (emptied) for the next ones.
        var createStaging = !_staged && full.Claims.Count > 0;
        _staged |= createStaging;
        // On a thread of its own from the start: COPY writes its rows synchronously.
        _writing = Task.Run(async () =>
        {
            await full.WriteAsync(connection, tx, curatorId, createStaging, ct);
            full.Clear();
        }, ct);
        if (!overlap) await _writing;
    }

    /// <summary>Waits until every batch started is written; throws what a write threw.</summary>
    public Task IdleAsync() => _writing;

    /// <summary>Waits for a write still running, whatever its end, so that the connection is free (after a failure).</summary>
    public async Task SettleAsync()
    {
        try
        {
            await _writing;
        }
        catch (Exception)
        {
            // Reported by the write's own await where there was one; the transaction is rolled back either way.
        }
    }
}

/// <summary>
/// One batch of checked rows, written by binary COPY in foreign-key order. Claims go through a staging table so that
/// their search document (claim_search) is computed as they are inserted, not by a second pass over them.
/// </summary>
internal sealed class Batch
{
    public List<SubjectRow> Subjects { get; } = [];
    public List<SourceRow> Sources { get; } = [];
    public List<PassageRow> Passages { get; } = [];
    public List<BufferedClaim> Claims { get; } = [];

    public int Rows => Subjects.Count + Sources.Count + Passages.Count + Claims.Count;

    /// <summary>UTF-16 units of the source texts the batch holds.</summary>
    public long TextChars { get; private set; }

    public void Add(SourceRow source)
    {
        Sources.Add(source);
        TextChars += source.Body.Length;
    }

    public void Clear()
    {
        Subjects.Clear();
        Sources.Clear();
        TextChars = 0;
        Passages.Clear();
        Claims.Clear();
    }

    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long curatorId, bool createStaging, CancellationToken ct)
    {
        if (Subjects.Count > 0)
        {
            await CopyAsync(connection, "subjects (id, name, kind, description, broader_id, anonymous, created_by)", Subjects, s =>
            [
                (s.Id, NpgsqlDbType.Bigint), (s.Name, NpgsqlDbType.Text), (s.Kind, NpgsqlDbType.Text), (s.Description, NpgsqlDbType.Text),
                (s.BroaderId, NpgsqlDbType.Bigint), (s.Anonymous, NpgsqlDbType.Boolean), (curatorId, NpgsqlDbType.Bigint),
            ], ct);
            await CopyAsync(connection, "subject_aliases (subject_id, alias)", Subjects.SelectMany(s => s.Aliases.Select(a => (s.Id, a))).ToList(), a =>
                [(a.Id, NpgsqlDbType.Bigint), (a.a, NpgsqlDbType.Text)], ct);
        }
        if (Sources.Count > 0)
        {
            await CopyAsync(connection, "sources (id, title, subtitle, outlet, authors, url, language, published_on, published_precision, provenance, created_by)", Sources, s =>
            [
                (s.Id, NpgsqlDbType.Bigint), (s.Title, NpgsqlDbType.Text), (s.Subtitle, NpgsqlDbType.Text), (s.Outlet, NpgsqlDbType.Text),
                (s.Authors, NpgsqlDbType.Array | NpgsqlDbType.Text), (s.Url, NpgsqlDbType.Text), (s.Language, NpgsqlDbType.Text),
                (s.Published?.Start, NpgsqlDbType.Date), (s.Published?.PrecisionName, NpgsqlDbType.Text), (s.Provenance, NpgsqlDbType.Jsonb),
                (curatorId, NpgsqlDbType.Bigint),
            ], ct);
            await CopyAsync(connection, "source_revisions (id, source_id, number, body, body_sha256, length, retrieved_on, created_by)", Sources, s =>
            [
                (s.RevisionId, NpgsqlDbType.Bigint), (s.Id, NpgsqlDbType.Bigint), (1, NpgsqlDbType.Integer), (s.Body, NpgsqlDbType.Text),
                (s.Sha256, NpgsqlDbType.Bytea), (s.Length, NpgsqlDbType.Integer), (s.RetrievedOn, NpgsqlDbType.Date), (curatorId, NpgsqlDbType.Bigint),
            ], ct);
            await CopyAsync(connection, "source_fingerprints (source_id, revision, hashes, scheme)", Sources, s => SourceFingerprints.Row(s.Id, 1, s.Body), ct);
        }
        if (Passages.Count > 0)
        {
            await CopyAsync(connection, "passages (id, source_id, revision_id, start_offset, end_offset, exact, prefix, suffix, created_by)", Passages, p =>
            [
                (p.Id, NpgsqlDbType.Bigint), (p.SourceId, NpgsqlDbType.Bigint), (p.RevisionId, NpgsqlDbType.Bigint),
                (p.Anchor.Start, NpgsqlDbType.Integer), (p.Anchor.End, NpgsqlDbType.Integer), (p.Anchor.Exact, NpgsqlDbType.Text),
                (p.Anchor.Prefix, NpgsqlDbType.Text), (p.Anchor.Suffix, NpgsqlDbType.Text), (curatorId, NpgsqlDbType.Bigint),
            ], ct);
        }
        if (Claims.Count > 0) await WriteClaimsAsync(connection, tx, curatorId, createStaging, ct);
    }

    private async Task WriteClaimsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long curatorId, bool createStaging, CancellationToken ct)
    {
        var columns = string.Join(", ", ClaimFields.ColumnNames);
        if (createStaging)
        {
            await connection.ExecuteAsync(new CommandDefinition($"""
                create temp table import_claims on commit drop as select id, {columns} from claims with no data;
                create temp table import_evidence on commit drop as select claim_id, passage_id, source_id, stance from claim_evidence with no data;
                """, transaction: tx, cancellationToken: ct));
        }
        await CopyAsync(connection, $"import_claims (id, {columns})", Claims,
            c => [(c.Id, NpgsqlDbType.Bigint), .. c.Fields.Columns().Select(f => (f.Value, f.Type))], ct);
        await CopyAsync(connection, "import_evidence (claim_id, passage_id, source_id, stance)", Claims.SelectMany(c => c.Evidence).ToList(), e =>
            [(e.ClaimId, NpgsqlDbType.Bigint), (e.PassageId, NpgsqlDbType.Bigint), (e.SourceId, NpgsqlDbType.Bigint), (e.Stance.Db(), NpgsqlDbType.Text)], ct);

        var staged = string.Join(", ", ClaimFields.ColumnNames.Select(c => "c." + c));
        var chains = Claims.Where(c => c.Fields.Attribution is { Length: > 1 })
            .SelectMany(c => c.Fields.Attribution!.Select((subject, i) => (ClaimId: c.Id, Position: i + 1, SubjectId: subject))).ToList();
        await connection.ExecuteAsync(new CommandDefinition($"""
            with passage_text as (
                select e.claim_id, string_agg(ps.exact, ' ' order by ps.id) as text
                from import_evidence e join passages ps on ps.id = e.passage_id
                group by e.claim_id
            )
            insert into claims (id, {columns}, created_by, updated_by, search, as_of, as_of_basis)
            select c.id, {staged}, @curatorId, @curatorId,
                   claim_search(c.subject_id, c.property_id, c.asserted_by, claim_words(c.stated_as, c.text_value, c.proposition, c.unit, c.location), t.text, c.note),
                   claim_as_of_from(v.valid, c.stated_on, c.stated_precision, pub.published_on, pub.published_precision),
                   claim_as_of_basis_from(v.valid, c.stated_on, pub.published_on)
            from import_claims c
            left join passage_text t on t.claim_id = c.id
            cross join lateral (select claim_valid_range(c.valid_from, c.valid_to, c.valid_to_precision) as valid) v
            -- the earliest dated supporting source, for the claims with no valid time and no statement date (claim_as_of);
            -- one pass over the staged evidence (a lateral look-up per claim into the unindexed staging table read it
            -- once per claim: minutes for 20,000 claims)
            left join (
                select distinct on (e.claim_id) e.claim_id, so.published_on, so.published_precision
                from import_evidence e join sources so on so.id = e.source_id
                where e.stance = 'supports' and so.published_on is not null
                order by e.claim_id, so.published_on, so.id
            ) pub on pub.claim_id = c.id;

            insert into claim_evidence (claim_id, passage_id, source_id, stance, created_by)
            select claim_id, passage_id, source_id, stance, @curatorId from import_evidence;

            insert into claim_attributions (claim_id, position, subject_id)
            select a.claim_id, a.position, a.subject_id from unnest(@chainClaims, @chainPositions, @chainSubjects) as a (claim_id, position, subject_id);

            insert into claim_revisions (claim_id, number, action, reason, created_by)
            select id, 1, 'created', 'bulk import', @curatorId from import_claims;

            truncate import_claims, import_evidence;
            """,
            new
            {
                curatorId,
                chainClaims = chains.Select(x => x.ClaimId).ToArray(),
                chainPositions = chains.Select(x => x.Position).ToArray(),
                chainSubjects = chains.Select(x => x.SubjectId).ToArray(),
            }, tx, commandTimeout: 0, cancellationToken: ct));
    }

    private static async Task CopyAsync<T>(
        NpgsqlConnection connection, string target, IReadOnlyList<T> rows,
        Func<T, (object? Value, NpgsqlDbType Type)[]> values, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var writer = await connection.BeginBinaryImportAsync($"copy {target} from stdin (format binary)", ct);
        // The importer buffers and flushes by itself: synchronous writes avoid an await per value.
        foreach (var row in rows)
        {
            writer.StartRow();
            foreach (var (value, type) in values(row))
            {
                if (value is null) writer.WriteNull();
                else writer.Write(value, type);
            }
        }
        await writer.CompleteAsync(ct);
    }
}
