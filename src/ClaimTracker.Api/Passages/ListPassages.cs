using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Passages;

public static class ListPassages
{
    public sealed record Position(int Start, long Id);

    public static async Task<Results<Ok<Page<PassageDetail>>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, [AsParameters] PageQuery<Position> page, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        var (after, take) = (page.After, page.Take);
        await using var connection = await db.OpenConnectionAsync(ct);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from sources where id = @id)", new { id }, cancellationToken: ct));
        if (!exists) return Problems.NotFound("Source", id);

        var rows = await PassageRow.QueryAsync(connection, null,
            "p.source_id = @id and (@afterStart::int is null or (p.start_offset, p.id) > (@afterStart, @afterId))",
            new { id, afterStart = after?.Start, afterId = after?.Id, limit = take + 1 }, ct,
            "order by p.start_offset, p.id limit @limit");
        var next = page.Next(rows, r => new Position(r.StartOffset, r.Id));
        return TypedResults.Ok(new Page<PassageDetail>([.. rows.Take(take).Select(r => r.ToDetail())], next));
    }
}
