using Dapper;
using Npgsql;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>
/// Per table, the row count and an md5 of the sorted md5s of its rows' text: two equal fingerprints mean nothing was
/// written. Hashing every row after every write would dominate the run, so a table is hashed again only when its
/// cheap signature moved: its row count, or its newest row version (max xmin: every insert and update writes a row
/// version with a newer transaction id, and a delete lowers the count). Sequences are left out on purpose: a
/// rolled-back insert may consume an id without writing anything.
/// </summary>
public sealed class DatabaseFingerprint(NpgsqlDataSource db)
{
    private readonly Dictionary<string, (long Rows, long NewestXmin, string Md5)> _cache = [];
    private List<string>? _tables;

    public async Task<IReadOnlyDictionary<string, (long Rows, string Md5)>> TakeAsync()
    {
        await using var connection = await db.OpenConnectionAsync();
        // change_counts counts every statement that writes (the ETags' source), a check's own insert and delete among
        // them, and the claim documents' counters do the same for kept answers, which reads write: bookkeeping of
        // changes and a cache of answers, not data a request may leave half-written.
        _tables ??= [.. await connection.QueryAsync<string>("""
            select tablename from pg_tables where schemaname = 'public'
              and tablename not in ('change_counts', 'claim_documents', 'claim_document_epoch', 'claim_group_epochs', 'kept_answers')
            order by tablename
            """)];

        var signatures = (await connection.QueryAsync<(string Name, long Rows, long NewestXmin)>(string.Join("\nunion all\n", _tables.Select(t =>
            $"select '{t}' as name, count(*) as rows, coalesce(max(xmin::text::bigint), 0) as newest from \"{t}\""))))
            .ToDictionary(s => s.Name);
        foreach (var (name, (_, rows, newest)) in signatures)
        {
            if (_cache.TryGetValue(name, out var cached) && cached.Rows == rows && cached.NewestXmin == newest) continue;
            var md5 = await connection.ExecuteScalarAsync<string>(
                $"select coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') from \"{name}\" t");
            _cache[name] = (rows, newest, md5!);
        }
        return _cache.ToDictionary(c => c.Key, c => (c.Value.Rows, c.Value.Md5));
    }

    /// <returns>The tables that differ ("claims: 41 rows → 42 rows", "passages: content changed"), or an empty list.</returns>
    public static List<string> Compare(IReadOnlyDictionary<string, (long Rows, string Md5)> before, IReadOnlyDictionary<string, (long Rows, string Md5)> after) =>
        [.. before.Keys.Union(after.Keys).Order()
            .Where(t => !before.TryGetValue(t, out var b) || !after.TryGetValue(t, out var a) || b != a)
            .Select(t =>
            {
                var b = before.GetValueOrDefault(t);
                var a = after.GetValueOrDefault(t);
                return b.Rows != a.Rows ? $"{t}: {b.Rows} rows → {a.Rows} rows" : $"{t}: content changed ({b.Rows} rows)";
            })];
}
