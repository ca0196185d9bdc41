using System.Data;
using Dapper;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>Dapper's global settings, applied once per process.</summary>
public static class DapperSetup
{
    private static int _done;

    public static void Configure()
    {
        if (Interlocked.Exchange(ref _done, 1) == 1) return;
        // 0001-01-01 is a date like any other here, not minus infinity.
        AppContext.SetSwitch("Npgsql.DisableDateTimeInfinityConversions", true);
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
    }

    // Npgsql reads a date column as DateTime through the untyped reader Dapper uses.
    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override DateOnly Parse(object value) => value is DateTime dt ? DateOnly.FromDateTime(dt) : (DateOnly)value;
        public override void SetValue(IDbDataParameter parameter, DateOnly value) => parameter.Value = value;
    }
}
