using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace ClaimTracker.Api.Sources;

/// <summary>
/// A text's fingerprint, for finding wire copies (w-shingling, as Broder's resemblance measure): the words (runs of
/// letters and digits, lower-cased; punctuation and spacing dropped), every run of eight consecutive words hashed
/// (XXH3, 64 bits), and the hashes divisible by 4 kept, so that two texts keep the same sample of the runs they share.
/// An edit inside a sentence loses only the runs that cross it. Stored in source_fingerprints (db/migrations/0012) for
/// each source's latest revision, by every path that writes a text.
/// </summary>
public static class SourceFingerprints
{
    public const int RunLength = 8;
    private const int Sampling = 4;

    public readonly record struct Word(int Start, int End);

    /// <summary>The words of a text as the fingerprint reads them, with their UTF-16 bounds.</summary>
    public static List<Word> Words(string text)
    {
        var words = new List<Word>();
        for (var i = 0; i < text.Length;)
        {
            if (!char.IsLetterOrDigit(text[i])) { i++; continue; }
            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i])) i++;
            words.Add(new Word(start, i));
        }
        return words;
    }

    /// <summary>The hash of the run of <see cref="RunLength"/> words from word <paramref name="at"/>.</summary>
    public static long RunHash(string text, List<Word> words, int at)
    {
        var run = new StringBuilder();
        for (var k = at; k < at + RunLength; k++)
        {
            if (k > at) run.Append(' ');
            run.Append(text.AsSpan(words[k].Start, words[k].End - words[k].Start));
        }
        var lowered = run.ToString().ToLowerInvariant();
        return (long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(lowered.AsSpan()));
    }

    /// <summary>The sampled run hashes of a text, distinct and sorted.</summary>
    public static long[] Of(string text)
    {
        var words = Words(text);
        var hashes = new SortedSet<long>();
        for (var i = 0; i + RunLength <= words.Count; i++)
        {
            var hash = RunHash(text, words, i);
            if (hash % Sampling == 0) hashes.Add(hash);
        }
        return [.. hashes];
    }

    /// <summary>Stores the fingerprint of a source's new latest revision, inside the caller's transaction.</summary>
    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long sourceId, int revision, string body, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            insert into source_fingerprints (source_id, revision, hashes) values (@sourceId, @revision, @hashes)
            on conflict (source_id) do update set revision = excluded.revision, hashes = excluded.hashes
            where source_fingerprints.revision < excluded.revision
            """, new { sourceId, revision, hashes = Of(body) }, tx, cancellationToken: ct));

    /// <summary>The rows an import writes beside its sources, for its COPY.</summary>
    public static (object? Value, NpgsqlDbType Type)[] Row(long sourceId, int revision, string body) =>
        [(sourceId, NpgsqlDbType.Bigint), (revision, NpgsqlDbType.Integer), (Of(body), NpgsqlDbType.Array | NpgsqlDbType.Bigint)];

    /// <summary>
    /// Gives every source whose latest revision has no fingerprint its fingerprint, a batch at a time: the sources stored
    /// before fingerprints were kept, once, at the first start that brings them.
    /// </summary>
    public static async Task<int> BackfillAsync(NpgsqlDataSource db, ILogger logger, CancellationToken ct)
    {
        var (done, after) = (0, 0L);
        while (true)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var batch = (await connection.QueryAsync<(long SourceId, int Number, string Body)>(new CommandDefinition("""
                select r.source_id, r.number, r.body
                from sources s
                cross join lateral (select source_id, number, body from source_revisions where source_id = s.id order by number desc limit 1) r
                where s.id > @after and not exists (select 1 from source_fingerprints f where f.source_id = s.id)
                order by s.id
                limit 500
                """, new { after }, tx, cancellationToken: ct))).ToList();
            if (batch.Count == 0) return done;
            foreach (var (sourceId, number, body) in batch) await WriteAsync(connection, tx, sourceId, number, body, ct);
            await tx.CommitAsync(ct);
            done += batch.Count;
            after = batch[^1].SourceId;
            logger.LogInformation("Fingerprinted {Done} sources for copy detection", done);
        }
    }
}
