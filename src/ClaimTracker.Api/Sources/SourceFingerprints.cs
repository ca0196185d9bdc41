using System.Globalization;
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
/// each source's latest revision, by every path that writes a text, with the <see cref="Scheme"/> that read it.
/// <para>A word is read as the same word however a desk or a web page stored it: compatibility forms folded (the PDF
/// ligature "ﬁ" is "fi"); soft hyphens and zero-width characters inside a word, an apostrophe between letters
/// ("Kata'ib", "Iraq’s"), a digit-group separator ("2,500", "2.500", "2 500" are 2500) and a hyphen that breaks a word at a line's
/// end ("with-" / "drawal") join its parts; dotted initials are one word ("U.S." is "us"); "%" and "per cent" are "percent".</para>
/// </summary>
public static class SourceFingerprints
{
    public const int RunLength = 8;
    private const int Sampling = 4;

    /// <summary>How the stored fingerprints were read: a fingerprint of an older scheme is taken again at the next start
    /// (<see cref="BackfillAsync"/>), since its hashes no longer meet the current ones. 1: words as runs of letters and
    /// digits; 2: read as above.</summary>
    public const short Scheme = 2;

    /// <summary>A word: its UTF-16 bounds in the text, and the form it is compared by.</summary>
    public readonly record struct Word(int Start, int End, string Key);

    /// <summary>The words of a text as the fingerprint reads them.</summary>
    public static List<Word> Words(string text)
    {
        var words = new List<Word>();
        var key = new StringBuilder();
        for (var i = 0; i < text.Length;)
        {
            if (text[i] == '%') { words.Add(new Word(i, i + 1, "percent")); i++; continue; }
            var length = WordChar(text, i);
            if (length == 0) { i++; continue; }
            var start = i;
            key.Clear();
            while (i < text.Length)
            {
                if ((length = WordChar(text, i)) > 0) { key.Append(text, i, length); i += length; continue; }
                var join = Joiner(text, start, i);
                if (join == 0) break;
                i += join;
            }
            var form = key.ToString();
            if (!Ascii.IsValid(form)) form = form.Normalize(NormalizationForm.FormKC);
            form = form.ToLowerInvariant();
            if (form == "cent" && words.Count > 0 && words[^1].Key == "per" && IsSpace(text, words[^1].End, start))
            {
                words[^1] = new Word(words[^1].Start, i, "percent");
                continue;
            }
            words.Add(new Word(start, i, form));
        }
        return words;
    }

    // The UTF-16 length of the letter, digit or combining mark at i, or 0.
    private static int WordChar(string text, int i)
    {
        if (!Rune.TryGetRuneAt(text, i, out var rune)) return 0;
        return Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            ? rune.Utf16SequenceLength : 0;
    }

    /// <summary>How many characters from i (inside a word begun at start) join the word to what follows, or 0 if the word ends.</summary>
    private static int Joiner(string text, int start, int i)
    {
        bool Letter(int at) => at >= 0 && at < text.Length && char.IsLetter(text[at]);
        bool Digit(int at) => at >= 0 && at < text.Length && char.IsAsciiDigit(text[at]);
        var next = i + 1 < text.Length && WordChar(text, i + 1) > 0;
        switch (text[i])
        {
            case '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF':
                return next ? 1 : 0;
            case '\'' or '\u2019' or '\u02BC':
                return Letter(i - 1) && Letter(i + 1) ? 1 : 0;
            case ',' or '.' or '\u00A0' or '\u202F' or '\u2009' when Digit(i - 1) && Digit(i + 1) && Digit(i + 2) && Digit(i + 3) && !Digit(i + 4):
                return 1;
            // Dotted initials: a single letter, a dot, a single letter and a dot (U.S., U.N., a.m.).
            case '.' when Letter(i - 1) && (i - 1 == start || text[i - 2] == '.') && Letter(i + 1) && i + 2 < text.Length && text[i + 2] == '.':
                return 1;
            case '-' or '\u2010' when i > start && char.IsLower(text[i - 1]):
                var j = i + 1;
                while (j < text.Length && text[j] is ' ' or '\t') j++;
                if (j < text.Length && text[j] == '\r') j++;
                if (j >= text.Length || text[j] != '\n') return 0;
                j++;
                while (j < text.Length && text[j] is ' ' or '\t') j++;
                return j < text.Length && char.IsLower(text[j]) ? j - i : 0;
            default:
                return 0;
        }
    }

    private static bool IsSpace(string text, int from, int to)
    {
        for (var k = from; k < to; k++) if (!char.IsWhiteSpace(text[k])) return false;
        return to > from;
    }

    /// <summary>The hash of every run of <see cref="RunLength"/> words, by the word it starts at: its words' forms, a
    /// space between, as UTF-16.</summary>
    public static long[] RunHashes(List<Word> words)
    {
        if (words.Count < RunLength) return [];
        var hashes = new long[words.Count - RunLength + 1];
        var run = new char[256];
        for (var at = 0; at < hashes.Length; at++)
        {
            var length = RunLength - 1;
            for (var k = at; k < at + RunLength; k++) length += words[k].Key.Length;
            if (length > run.Length) run = new char[length * 2];
            var end = 0;
            for (var k = at; k < at + RunLength; k++)
            {
                if (k > at) run[end++] = ' ';
                words[k].Key.CopyTo(run.AsSpan(end));
                end += words[k].Key.Length;
            }
            hashes[at] = (long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(run.AsSpan(0, end)));
        }
        return hashes;
    }

    /// <summary>The sampled run hashes of a text, distinct and sorted.</summary>
    public static long[] Of(string text)
    {
        var hashes = new SortedSet<long>();
        foreach (var hash in RunHashes(Words(text))) if (hash % Sampling == 0) hashes.Add(hash);
        return [.. hashes];
    }

    /// <summary>Stores the fingerprint of a source's new latest revision, inside the caller's transaction.</summary>
    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long sourceId, int revision, string body, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            insert into source_fingerprints (source_id, revision, hashes, scheme) values (@sourceId, @revision, @hashes, @scheme)
            on conflict (source_id) do update set revision = excluded.revision, hashes = excluded.hashes, scheme = excluded.scheme
            where source_fingerprints.revision < excluded.revision
               or source_fingerprints.revision = excluded.revision and source_fingerprints.scheme < excluded.scheme
            """, new { sourceId, revision, hashes = Of(body), scheme = Scheme }, tx, cancellationToken: ct));

    /// <summary>The rows an import writes beside its sources, for its COPY.</summary>
    public static (object? Value, NpgsqlDbType Type)[] Row(long sourceId, int revision, string body) =>
        [(sourceId, NpgsqlDbType.Bigint), (revision, NpgsqlDbType.Integer), (Of(body), NpgsqlDbType.Array | NpgsqlDbType.Bigint), (Scheme, NpgsqlDbType.Smallint)];

    /// <summary>
    /// Gives every source whose latest revision has no fingerprint of the current <see cref="Scheme"/> its fingerprint, a
    /// batch at a time: the sources stored before fingerprints were kept, or before the scheme changed, once, at the first
    /// start that brings them.
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
                where s.id > @after and not exists (select 1 from source_fingerprints f where f.source_id = s.id and f.scheme = @scheme)
                order by s.id
                limit 500
                """, new { after, scheme = Scheme }, tx, cancellationToken: ct))).ToList();
            if (batch.Count == 0) return done;
            foreach (var (sourceId, number, body) in batch) await WriteAsync(connection, tx, sourceId, number, body, ct);
            await tx.CommitAsync(ct);
            done += batch.Count;
            after = batch[^1].SourceId;
            logger.LogInformation("Fingerprinted {Done} sources for copy detection", done);
        }
    }
}
