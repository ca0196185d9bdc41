using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>A piece of a snippet: words of the passage, and whether the search matched them.</summary>
/// <param name="Text">The words, exactly as the passage has them.</param>
/// <param name="Match">True for words the search matched (shown highlighted).</param>
public sealed record SnippetFragment(string Text, bool Match);

/// <summary>
/// Where a search (q) matched one of the claim's passages: the words around the match, the matched ones marked. The
/// fragments read in order as the excerpt; " … " stands between separate excerpts of the passage. At most two
/// excerpts of about 30 words each, 400 characters in all.
/// </summary>
/// <param name="PassageId">The passage the excerpt is from (a supporting one where one matches).</param>
/// <param name="SourceId">The source the passage is in.</param>
public sealed record Snippet(long PassageId, long SourceId, SnippetFragment[] Fragments);

/// <summary>
/// Highlights for the claims of one page of a search: ts_headline is costly (it parses the whole passage), so it runs
/// for the page's rows only, and for one passage of each, the first (supporting first, oldest source first) whose text
/// the search matches.
/// </summary>
public static class SearchSnippets
{
    public const int MaxCharacters = 400;

    // Marks no text can hold: the passage's own control characters of these two are blanked before highlighting.
    private const char Start = '\u0002';
    private const char Stop = '\u0003';
    private static readonly string Options = $"StartSel=\"{Start}\", StopSel=\"{Stop}\", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"";

    public static async Task<List<ClaimDetail>> AddAsync(NpgsqlConnection connection, List<ClaimDetail> claims, string q, CancellationToken ct)
    {
        if (claims.Count == 0) return claims;
        var rows = await connection.QueryAsync<(long ClaimId, long PassageId, long SourceId, string Headline)>(new CommandDefinition("""
            select c.id, h.passage_id, h.source_id, h.headline
            from unnest(@ids::bigint[]) c (id)
            cross join lateral (
                select e.passage_id, e.source_id,
                       ts_headline('english', translate(p.exact, E'\x02\x03', '  '), query, @options) as headline
                from claim_evidence e
                join passages p on p.id = e.passage_id
                join sources so on so.id = e.source_id
                cross join websearch_to_tsquery('english', @q) query
                where e.claim_id = c.id and to_tsvector('english', p.exact) @@ query
                order by e.stance = 'supports' desc, so.published_on nulls last, so.id, p.start_offset
                limit 1
            ) h
            """, new { ids = claims.Select(c => c.Id).ToArray(), q, options = Options }, cancellationToken: ct));
        var byClaim = rows.ToDictionary(r => r.ClaimId, r => new Snippet(r.PassageId, r.SourceId, Fragments(r.Headline)));
        return [.. claims.Select(c => byClaim.TryGetValue(c.Id, out var snippet) ? c with { Snippet = snippet } : c)];
    }

    /// <summary>ts_headline's text cut at its marks into plain and matched pieces, bounded in length.</summary>
    internal static SnippetFragment[] Fragments(string headline)
    {
        var fragments = new List<SnippetFragment>();
        var left = MaxCharacters;
        var match = false;
        foreach (var piece in headline.Split(Start, Stop))
        {
            if (piece.Length > 0 && left > 0)
            {
                var text = piece.Length <= left ? piece : piece[..left] + "…";
                left -= piece.Length;
                fragments.Add(new SnippetFragment(text, match));
            }
            match = !match;
        }
        return [.. fragments];
    }
}
