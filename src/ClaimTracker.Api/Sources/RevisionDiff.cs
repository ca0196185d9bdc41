using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using DiffPlex.Chunkers;
using DiffPlex;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Sources;

public enum HunkKind { Equal, Delete, Insert }

/// <summary>A stretch of the diff. Offsets are code points: From* in revision a, To* in revision b.</summary>
public sealed record DiffHunk(HunkKind Kind, string Text, int FromStart, int FromEnd, int ToStart, int ToEnd);

public sealed record RevisionDiffResult(long SourceId, int From, int To, int Deleted, int Inserted, DiffHunk[] Hunks);

public static class RevisionDiff
{
    private static readonly char[] Delimiters = [' ', '\t', '\n', '\r', '.', ',', ';', ':', '!', '?', '"', '\u201C', '\u201D', '(', ')'];

    public static async Task<Results<Ok<RevisionDiffResult>, ProblemHttpResult>> Handle([FromRoute(Name = "id")] Param<long> idParam, [FromRoute(Name = "a")] Param<int> aParam, [FromRoute(Name = "b")] Param<int> bParam, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        var a = aParam.Value;
        var b = bParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        var bodies = (await connection.QueryAsync<(int Number, string Body)>(new CommandDefinition(
            "select number, body from source_revisions where source_id = @id and number = any(@numbers)",
            new { id, numbers = new[] { a, b } }, cancellationToken: ct))).ToDictionary(r => r.Number, r => r.Body);
        foreach (var n in new[] { a, b })
        {
            if (!bodies.ContainsKey(n))
            {
                return TypedResults.Problem(statusCode: 404, title: "Revision not found.", detail: $"Source {id} has no revision {n}.");
            }
        }
        return TypedResults.Ok(Of(id, a, b, bodies[a], bodies[b]));
    }

    /// <summary>A word-level diff (DiffPlex), merged into runs, with code-point offsets in both texts.</summary>
    public static RevisionDiffResult Of(long sourceId, int a, int b, string from, string to)
    {
        var diff = Differ.Instance.CreateDiffs(from, to, false, false, new DelimiterChunker(Delimiters));
        var hunks = new List<DiffHunk>();
        int oldPiece = 0, newPiece = 0, oldAt = 0, newAt = 0;
        void Add(HunkKind kind, IEnumerable<string> pieces)
        {
            var text = string.Concat(pieces);
            if (text.Length == 0) return;
            var length = CodePoints.Count(text);
            var (fromEnd, toEnd) = kind switch
            {
                HunkKind.Equal => (oldAt + length, newAt + length),
                HunkKind.Delete => (oldAt + length, newAt),
                _ => (oldAt, newAt + length),
            };
            if (hunks.Count > 0 && hunks[^1].Kind == kind)
            {
                var last = hunks[^1];
                hunks[^1] = last with { Text = last.Text + text, FromEnd = fromEnd, ToEnd = toEnd };
            }
            else
            {
                hunks.Add(new DiffHunk(kind, text, oldAt, fromEnd, newAt, toEnd));
            }
            (oldAt, newAt) = (fromEnd, toEnd);
        }
        foreach (var block in diff.DiffBlocks)
        {
            Add(HunkKind.Equal, diff.PiecesOld.Skip(oldPiece).Take(block.DeleteStartA - oldPiece));
            Add(HunkKind.Delete, diff.PiecesOld.Skip(block.DeleteStartA).Take(block.DeleteCountA));
            Add(HunkKind.Insert, diff.PiecesNew.Skip(block.InsertStartB).Take(block.InsertCountB));
            oldPiece = block.DeleteStartA + block.DeleteCountA;
            newPiece = block.InsertStartB + block.InsertCountB;
        }
        Add(HunkKind.Equal, diff.PiecesOld.Skip(oldPiece));
        return new RevisionDiffResult(sourceId, a, b,
            hunks.Where(h => h.Kind == HunkKind.Delete).Sum(h => h.FromEnd - h.FromStart),
            hunks.Where(h => h.Kind == HunkKind.Insert).Sum(h => h.ToEnd - h.ToStart),
            [.. hunks]);
    }
}
