using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>What a step of a write needs: the open transaction, the curator who writes, and the request's token.</summary>
public sealed record WriteContext(NpgsqlConnection Connection, NpgsqlTransaction Transaction, long CuratorId, CancellationToken Ct);
