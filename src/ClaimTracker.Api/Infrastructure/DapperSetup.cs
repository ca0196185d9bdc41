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
        // 0001-01-01 is a date like any other here, not minus infinity. The runtimeconfig sets it first (Directory.Build.props);
        // this covers a host built without it, if nothing has used Npgsql yet.
        AppContext.SetSwitch("Npgsql.DisableDateTimeInfinityConversions", true);
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new DateRangeHandler());
        SqlMapper.AddTypeHandler(new TimeOnlyHandler());
    }

    // A period of days (a claim's time range) is sent as PostgreSQL's daterange.
    private sealed class DateRangeHandler : SqlMapper.TypeHandler<NpgsqlTypes.NpgsqlRange<DateOnly>>
    {
        public override NpgsqlTypes.NpgsqlRange<DateOnly> Parse(object value) => (NpgsqlTypes.NpgsqlRange<DateOnly>)value;

        public override void SetValue(IDbDataParameter parameter, NpgsqlTypes.NpgsqlRange<DateOnly> value)
        {
            parameter.Value = value;
            if (parameter is Npgsql.NpgsqlParameter npgsql) npgsql.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.DateRange;
        }
    }

    // Npgsql reads a time column as TimeSpan through the untyped reader Dapper uses.
    private sealed class TimeOnlyHandler : SqlMapper.TypeHandler<TimeOnly>
    {
        public override TimeOnly Parse(object value) => value is TimeSpan span ? TimeOnly.FromTimeSpan(span) : (TimeOnly)value;
        public override void SetValue(IDbDataParameter parameter, TimeOnly value) => parameter.Value = value;
    }

    // Npgsql reads a date column as DateTime through the untyped reader Dapper uses.
    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override DateOnly Parse(object value) => value is DateTime dt ? DateOnly.FromDateTime(dt) : (DateOnly)value;
        public override void SetValue(IDbDataParameter parameter, DateOnly value) => parameter.Value = value;
    }
}
