using System.Data;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

public static class PerValuePlans
{
    /// <summary>
    /// Opens a repeatable-read transaction whose statements are planned for the values they are given. For reads whose
    /// best plan depends on how many claims match (a search term, a figure): prepared statements switch to one generic
    /// plan after five runs, and the plan that suits a rare term reads every match of a common one (300 ms instead of
    /// 20 at a million claims, docs/performance.md). The single snapshot also keeps a page consistent with its totals.
    /// </summary>
    public static async Task<NpgsqlTransaction> BeginAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "select set_config('plan_cache_mode', 'force_custom_plan', true)", transaction: tx, cancellationToken: ct));
        return tx;
    }
}
