using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Sources;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using Npgsql;
using NpgsqlTypes;

namespace ClaimTracker.Bench;

/// <summary>
/// Loads the corpus into a migrated, empty database: rows of the final tables (with their ids) by binary COPY, then
/// the derived data set-wise with the product's own SQL: each claim's search document by claim_search (as the bulk
/// import computes it), the conflicts by conflicting_pairs, in chunks. As pg_restore does, the load runs with
/// triggers off (so foreign keys are checked once at the end, by anti-joins, not per row) and builds the secondary
/// indexes after the rows are in, from the definitions the migrations created.
/// </summary>
public static class Loader
{
    private static readonly string[] BigTables = ["sources", "source_revisions", "passages", "claims", "claim_evidence", "claim_revisions"];

    public static async Task<int> RunAsync(string connectionString, CorpusOptions options, int jobs)
    {
        var total = Stopwatch.StartNew();
        var corpus = new Corpus(options);
        Log($"plan: {options.Sources:N0} sources, {options.Claims:N0} claims in {corpus.GroupCount:N0} subject/property groups, {corpus.ConflictedGroups:N0} in conflict ({total.Elapsed.TotalSeconds:F1} s)");

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.CommandTimeout = 0;
        builder.ConnectionStringBuilder.Options = "-c session_replication_role=replica -c synchronous_commit=off -c maintenance_work_mem=1GB -c work_mem=256MB";
        await using var db = builder.Build();

        if (await ScalarAsync<long>(db, "select count(*) from claims") > 0 || await ScalarAsync<long>(db, "select count(*) from sources") > 0)
        {
            Console.Error.WriteLine("The database already holds sources or claims: load into a freshly migrated database.");
            return 1;
        }
        var curatorId = await ScalarAsync<long>(db, """
            insert into curators (name) values ('benchmark corpus') on conflict (name) do update set name = excluded.name returning id
            """);
        var properties = await PropertiesAsync(db);

        // Secondary indexes come off and go back on after the rows: one sort per index instead of a million inserts.
        var indexes = new List<(string Name, string Definition)>();
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using var cmd = new NpgsqlCommand("""
                select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                from pg_index i join pg_class t on t.oid = i.indrelid
                where t.relnamespace = 'public'::regnamespace and t.relname = any(@tables)
                  and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
                order by pg_relation_size(t.oid) desc, 1
                """, connection);
            cmd.Parameters.AddWithValue("tables", BigTables);
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (name, _) in indexes) await new NpgsqlCommand($"drop index {name}", connection).ExecuteNonQueryAsync();
        }

        var step = Stopwatch.StartNew();
        await CopySubjectsAsync(db, corpus, curatorId);
        await CopySourcesAsync(db, corpus, properties, curatorId);
        Log($"rows copied: {options.Sources:N0} sources, {options.Passages:N0} passages, {options.Claims:N0} claims staged ({step.Elapsed.TotalSeconds:F0} s)");

        // The search document and the as-of time, computed as the bulk import computes them (claim_search, claim_as_of_from).
        step.Restart();
        var columns = string.Join(", ", ClaimColumns);
        var staged = string.Join(", ", ClaimColumns.Select(c => "c." + c));
        await ChunksAsync(db, options.Claims, 100_000, jobs, (lo, hi) => $"""
            with passage_text as (
                select e.claim_id, string_agg(ps.exact, ' ' order by ps.id) as text
                from claim_evidence e join passages ps on ps.id = e.passage_id
                where e.claim_id between {lo} and {hi}
                group by e.claim_id
            )
            insert into claims (id, {columns}, created_by, updated_by, search, as_of, as_of_basis)
            select c.id, {staged}, {curatorId}, {curatorId},
                   claim_search(c.subject_id, c.property_id, c.asserted_by, claim_words(c.stated_as, c.text_value, c.proposition, c.unit, c.location), t.text, c.note),
                   claim_as_of_from(v.valid, c.stated_on, c.stated_precision, r.published_on, r.published_precision),
                   claim_as_of_basis_from(v.valid, c.stated_on, r.published_on)
            from bench_claims c left join passage_text t on t.claim_id = c.id
            cross join lateral (select claim_valid_range(c.valid_from, c.valid_to, c.valid_to_precision) as valid) v
            left join lateral claim_earliest_report(c.id) r on true
            where c.id between {lo} and {hi}
            """);
        await ExecAsync(db, "drop table bench_claims");
        Log($"claims with their search documents ({step.Elapsed.TotalSeconds:F0} s)");

        step.Restart();
        var queue = new ConcurrentQueue<(string Name, string Definition)>(indexes);
        await Task.WhenAll(Enumerable.Range(0, jobs).Select(async _ =>
        {
            while (queue.TryDequeue(out var index)) await ExecAsync(db, index.Definition);
        }));
        Log($"{indexes.Count} indexes rebuilt ({step.Elapsed.TotalSeconds:F0} s)");

        step.Restart();
        foreach (var table in new[] { "subjects", "sources", "source_revisions", "passages", "claims" })
        {
            await ExecAsync(db, $"select setval(pg_get_serial_sequence('{table}', 'id'), greatest(1, (select max(id) from {table})))");
        }
        await Task.WhenAll(BigTables.Concat(["subjects", "subject_aliases", "properties"]).Select(t => ExecAsync(db, $"analyze {t}")));
        Log($"sequences set, statistics gathered ({step.Elapsed.TotalSeconds:F0} s)");

        // Conflicts: by maintain_conflicts, the one step that writes them for every claim write, in chunks of claims.
        // Its ids are a PL/pgSQL parameter, so conflicting_pairs is planned for the array it is given (handed
        // array(select ...) directly, it was planned for an array of unknown size: 20,000 claims took 114 s against 5.6 s).
        // One job: a chunk this large takes the claims table's lock, so a second job would only wait for it.
        step.Restart();
        await ChunksAsync(db, options.Claims, 50_000, 1, (lo, hi) =>
            $"select maintain_conflicts(array(select id from claims where id between {lo} and {hi}), {curatorId})");
        var conflicts = await ScalarAsync<long>(db, "select count(*) from conflicts");
        Log($"{conflicts:N0} conflicts ({step.Elapsed.TotalSeconds:F0} s)");

        step.Restart();
        var orphans = await ScalarAsync<long>(db, """
            select (select count(*) from claim_evidence e where not exists (select 1 from claims c where c.id = e.claim_id))
                 + (select count(*) from claim_evidence e where not exists (select 1 from passages p where p.id = e.passage_id and p.source_id = e.source_id))
                 + (select count(*) from passages p where not exists (select 1 from source_revisions r where r.id = p.revision_id and r.source_id = p.source_id))
                 + (select count(*) from claims c where not exists (select 1 from subjects s where s.id = c.subject_id))
                 + (select count(*) from claims c where c.asserted_by is not null and not exists (select 1 from subjects s where s.id = c.asserted_by))
                 + (select count(*) from claims c where not exists (select 1 from properties p where p.id = c.property_id))
                 + (select count(*) from claim_revisions r where not exists (select 1 from claims c where c.id = r.claim_id))
            """);
        if (orphans != 0)
        {
            Console.Error.WriteLine($"{orphans} rows reference rows that do not exist: the corpus is inconsistent.");
            return 1;
        }
        Log($"references checked ({step.Elapsed.TotalSeconds:F0} s)");

        step.Restart();
        var vacuum = new ConcurrentQueue<string>(BigTables.Concat(["conflicts", "subjects", "subject_aliases"]));
        await Task.WhenAll(Enumerable.Range(0, jobs).Select(async _ =>
        {
            while (vacuum.TryDequeue(out var table)) await ExecAsync(db, $"vacuum (analyze) {table}");
        }));
        Log($"vacuumed ({step.Elapsed.TotalSeconds:F0} s); corpus loaded in {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    internal static readonly string[] ClaimColumns = [.. Sample().Columns().Select(c => c.Column)];

    private static ClaimFields Sample() => new(0, new PropertyDetail(0, "", "", PropertyType.Text, null, true, null, 0),
        ValueMeaning.Plain(new ClaimValueInput(ValueKind.Unknown)), null, null, null, null, null, null, ClaimStatus.Draft, null, ClaimRank.Normal);

    /// <summary>Adds the corpus's properties the migrations do not have; returns every one by key, as the product reads them.</summary>
    public static async Task<Dictionary<string, PropertyDetail>> PropertiesAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        foreach (var p in Vocabulary.Properties)
        {
            await using var insert = new NpgsqlCommand("""
                insert into properties (key, label, value_type, unit, non_negative, description)
                values (@key, @label, @type, @unit, @nonNegative, @description) on conflict (key) do nothing
                """, connection);
            insert.Parameters.AddWithValue("key", p.Key);
            insert.Parameters.AddWithValue("label", p.Label);
            insert.Parameters.AddWithValue("type", p.Type.Db());
            insert.Parameters.AddWithValue("unit", (object?)p.Unit ?? DBNull.Value);
            insert.Parameters.AddWithValue("nonNegative", p.NonNegative);
            insert.Parameters.AddWithValue("description", p.Description);
            await insert.ExecuteNonQueryAsync();
        }
        var result = new Dictionary<string, PropertyDetail>();
        await using var cmd = new NpgsqlCommand("select id, key, label, value_type, unit, non_negative, description from properties", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(1)] = new PropertyDetail(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                DbEnum.Parse<PropertyType>(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), 0);
        }
        return result;
    }

    public static async Task CopySubjectsAsync(NpgsqlDataSource db, Corpus corpus, long curatorId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using (var w = await connection.BeginBinaryImportAsync("copy subjects (id, name, kind, description, broader_id, created_by) from stdin (format binary)"))
        {
            foreach (var s in corpus.Subjects)
            {
                w.StartRow();
                w.Write(s.Id, NpgsqlDbType.Bigint);
                w.Write(s.Name, NpgsqlDbType.Text);
                w.Write(s.Kind, NpgsqlDbType.Text);
                Nullable(w, s.Description, NpgsqlDbType.Text);
                Nullable(w, s.BroaderId, NpgsqlDbType.Bigint);
                w.Write(curatorId, NpgsqlDbType.Bigint);
            }
            await w.CompleteAsync();
        }
        await using (var w = await connection.BeginBinaryImportAsync("copy subject_aliases (subject_id, alias) from stdin (format binary)"))
        {
            foreach (var s in corpus.Subjects)
            {
                foreach (var alias in new[] { s.Name }.Concat(s.Aliases))
                {
                    w.StartRow();
                    w.Write(s.Id, NpgsqlDbType.Bigint);
                    w.Write(alias, NpgsqlDbType.Text);
                }
            }
            await w.CompleteAsync();
        }
        await new NpgsqlCommand("select setval(pg_get_serial_sequence('subjects', 'id'), (select max(id) from subjects))", connection).ExecuteScalarAsync();
    }

    /// <summary>Sources are generated in parallel batches and streamed into six COPYs at once, one connection each.</summary>
    private static async Task CopySourcesAsync(NpgsqlDataSource db, Corpus corpus, Dictionary<string, PropertyDetail> properties, long curatorId)
    {
        await ExecAsync(db, $"""
            create unlogged table bench_claims as select id, {string.Join(", ", ClaimColumns)} from claims with no data;
            alter table bench_claims add primary key (id);
            """);
        var targets = new[]
        {
            "sources (id, title, subtitle, outlet, authors, url, language, published_on, published_precision, provenance, created_by)",
            "source_revisions (id, source_id, number, body, body_sha256, length, retrieved_on, created_by)",
            "passages (id, source_id, revision_id, start_offset, end_offset, exact, prefix, suffix, created_by)",
            $"bench_claims (id, {string.Join(", ", ClaimColumns)})",
            "claim_evidence (claim_id, passage_id, source_id, stance, created_by)",
            "claim_revisions (claim_id, number, action, reason, created_by)",
        };
        var connections = new List<NpgsqlConnection>();
        var writers = new List<NpgsqlBinaryImporter>();
        foreach (var target in targets)
        {
            var connection = await db.OpenConnectionAsync();
            connections.Add(connection);
            writers.Add(await connection.BeginBinaryImportAsync($"copy {target} from stdin (format binary)"));
        }
        var (sources, revisions, passages, claims, evidence, history) = (writers[0], writers[1], writers[2], writers[3], writers[4], writers[5]);
        var byKey = Vocabulary.Properties.ToDictionary(p => p.Key, p => properties[p.Key]);

        const int Batch = 500;
        var batches = new BlockingCollection<SourceDoc[]>(boundedCapacity: 4);
        var producer = Task.Run(() =>
        {
            for (var start = 0; start < corpus.Options.Sources; start += Batch)
            {
                var docs = new SourceDoc[Math.Min(Batch, corpus.Options.Sources - start)];
                Parallel.For(0, docs.Length, i => docs[i] = corpus.Source(start + i));
                batches.Add(docs);
            }
            batches.CompleteAdding();
        });
        var clock = Stopwatch.StartNew();
        var done = 0;
        foreach (var docs in batches.GetConsumingEnumerable())
        {
            foreach (var s in docs)
            {
                sources.StartRow();
                sources.Write(s.Id, NpgsqlDbType.Bigint);
                sources.Write(s.Title, NpgsqlDbType.Text);
                Nullable(sources, s.Subtitle, NpgsqlDbType.Text);
                sources.Write(s.Outlet, NpgsqlDbType.Text);
                sources.Write(s.Authors, NpgsqlDbType.Array | NpgsqlDbType.Text);
                sources.Write(CreateSource.NormalizeUrl(s.Url)!, NpgsqlDbType.Text);
                sources.Write("en", NpgsqlDbType.Text);
                sources.Write(s.Published.Start, NpgsqlDbType.Date);
                sources.Write(s.Published.PrecisionName, NpgsqlDbType.Text);
                sources.Write("{}", NpgsqlDbType.Jsonb);
                sources.Write(curatorId, NpgsqlDbType.Bigint);

                revisions.StartRow();
                revisions.Write(s.Id, NpgsqlDbType.Bigint);
                revisions.Write(s.Id, NpgsqlDbType.Bigint);
                revisions.Write(1, NpgsqlDbType.Integer);
                revisions.Write(s.Body, NpgsqlDbType.Text);
                revisions.Write(CreateSource.Sha256(s.Body), NpgsqlDbType.Bytea);
                revisions.Write(CodePoints.Count(s.Body), NpgsqlDbType.Integer);
                revisions.Write(s.RetrievedOn, NpgsqlDbType.Date);
                revisions.Write(curatorId, NpgsqlDbType.Bigint);

                foreach (var p in s.Passages)
                {
                    passages.StartRow();
                    passages.Write(p.Id, NpgsqlDbType.Bigint);
                    passages.Write(s.Id, NpgsqlDbType.Bigint);
                    passages.Write(s.Id, NpgsqlDbType.Bigint);
                    passages.Write(p.Anchor.Start, NpgsqlDbType.Integer);
                    passages.Write(p.Anchor.End, NpgsqlDbType.Integer);
                    passages.Write(p.Anchor.Exact, NpgsqlDbType.Text);
                    passages.Write(p.Anchor.Prefix, NpgsqlDbType.Text);
                    passages.Write(p.Anchor.Suffix, NpgsqlDbType.Text);
                    passages.Write(curatorId, NpgsqlDbType.Bigint);
                }

                foreach (var c in s.Claims)
                {
                    claims.StartRow();
                    claims.Write(c.Id, NpgsqlDbType.Bigint);
                    foreach (var (_, value, type) in Fields(c, byKey).Columns())
                    {
                        if (value is null) claims.WriteNull();
                        else claims.Write(value, type);
                    }
                    foreach (var (passageId, sourceId) in c.Evidence)
                    {
                        evidence.StartRow();
                        evidence.Write(c.Id, NpgsqlDbType.Bigint);
                        evidence.Write(passageId, NpgsqlDbType.Bigint);
                        evidence.Write(sourceId, NpgsqlDbType.Bigint);
                        evidence.Write("supports", NpgsqlDbType.Text);
                        evidence.Write(curatorId, NpgsqlDbType.Bigint);
                    }
                    history.StartRow();
                    history.Write(c.Id, NpgsqlDbType.Bigint);
                    history.Write(1, NpgsqlDbType.Integer);
                    history.Write("created", NpgsqlDbType.Text);
                    history.Write("benchmark corpus", NpgsqlDbType.Text);
                    history.Write(curatorId, NpgsqlDbType.Bigint);
                }
            }
            done += docs.Length;
            if (done % 10_000 == 0) Log($"  {done:N0} sources ({done / clock.Elapsed.TotalSeconds:N0}/s)");
        }
        await producer;
        foreach (var w in writers)
        {
            await w.CompleteAsync();
            await w.DisposeAsync();
        }
        foreach (var c in connections) await c.DisposeAsync();
    }

    /// <summary>The claim as the product would store it: ClaimFields.Columns is the list every product write uses.</summary>
    public static ClaimFields Fields(ClaimDoc c, IReadOnlyDictionary<string, PropertyDetail> properties) => new(
        c.Subject.Id, properties[c.Property.Key], ValueMeaning.Plain(c.Value),
        PartialDate.ParseOrNull(c.ValidFrom ?? c.ValidAt), PartialDate.ParseOrNull(c.ValidTo ?? c.ValidAt), PartialDate.ParseOrNull(c.StatedOn),
        c.Asserter?.Id, c.Location, c.Note, c.Status, c.RetractedReason, ClaimRank.Normal);

    private static void Nullable<T>(NpgsqlBinaryImporter w, T? value, NpgsqlDbType type)
    {
        if (value is null) w.WriteNull();
        else w.Write(value, type);
    }

    private static async Task ChunksAsync(NpgsqlDataSource db, long count, long size, int jobs, Func<long, long, string> sql)
    {
        var chunks = new ConcurrentQueue<long>();
        for (long lo = 1; lo <= count; lo += size) chunks.Enqueue(lo);
        await Task.WhenAll(Enumerable.Range(0, jobs).Select(async _ =>
        {
            while (chunks.TryDequeue(out var lo)) await ExecAsync(db, sql(lo, Math.Min(count, lo + size - 1)));
        }));
    }

    public static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    internal static readonly JsonSerializerOptions Json = MakeJson();

    private static JsonSerializerOptions MakeJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        ClaimTracker.Api.Infrastructure.Json.Configure(o);
        return o;
    }
}
