using System.Globalization;
using ClaimTracker.Bench;

// The benchmark's tools, one command each; bench/run drives them. Options are --name value pairs.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0)
{
    Console.Error.WriteLine("""
        usage: ClaimTracker.Bench COMMAND [--option value ...]
          stats         --sources N [--seed S]                      the corpus plan: groups, sizes, conflicts
          load          --conn CS --sources N [--seed S] [--jobs J] generate the corpus and load it into a migrated database
          ndjson        --sources N --from I --count K --out FILE     an import slice: sources past the corpus, as NDJSON
          import        --api URL --key KEY --conn CS --file FILE --runs R   POST /import against raw COPY of the same rows
          writes        --api URL --key KEY --conn CS --sources N --count C --warmup W   POST /claims, timed one at a time
          openloop      --urls FILE --rate R --duration D --warmup W   constant-rate load, latency from the intended send time
          pagewalk      --api URL --path P --depth D --repeat R         first page against the page D rows deep
          urls          --conn CS --out DIR                             request lists for the list, figure, conflict and search benchmarks
          pgbench-script --log FILE --label L --id ID --ids EXPR --out FILE  the SQL one GET /claims/{id} ran, as a pgbench script
          explain       --log FILE --conn CS --conflict-id ID --out FILE     EXPLAIN (ANALYZE, BUFFERS) of the captured statements
          copies        --api URL --key KEY [--sources 2000] [--words 600] [--runs 40] [--tag T]   GET /sources/{id}/copies among that many stored sources
          warm          --api URL --count N [--stride S] [--connections C]  GET /claims/1, /claims/1+S, ... (N of them) once each, so their answers are kept
          suggest       [--words 5000] [--runs 30] [--seeds DIR] [--api URL --key KEY]   time the recognizer on a source of that many words; with --api, GET /sources/{id}/suggestions too
        """);
    return 2;
}

var options = Options.Parse(args.Skip(1));
return args[0] switch
{
    "stats" => Stats.Run(new CorpusOptions(options.ULong("seed", 7), options.Int("sources", 100_000))),
    "load" => await Loader.RunAsync(options.Text("conn"), new CorpusOptions(options.ULong("seed", 7), options.Int("sources", 100_000)), options.Int("jobs", 2)),
    "ndjson" => ImportSlice.Write(new CorpusOptions(options.ULong("seed", 7), options.Int("sources", 100_000)), options.Int("from"), options.Int("count"), options.Text("out")),
    "import" => await ImportBench.RunAsync(options),
    "writes" => await WriteBench.RunAsync(options),
    "openloop" => await OpenLoop.RunAsync(options),
    "pagewalk" => await PageWalk.RunAsync(options),
    "urls" => await Urls.RunAsync(options),
    "pgbench-script" => PgbenchScript.Run(options),
    "explain" => await Explain.RunAsync(options),
    "suggest" => await SuggestBench.RunAsync(options),
    "warm" => await Warm.RunAsync(options),
    "copies" => await CopiesBench.RunAsync(options),
    _ => throw new ArgumentException($"unknown command {args[0]}"),
};

public sealed class Options
{
    private readonly Dictionary<string, string> _values = [];

    public static Options Parse(IEnumerable<string> args)
    {
        var o = new Options();
        string? name = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal)) name = a[2..];
            else if (name is not null)
            {
                o._values[name] = a;
                name = null;
            }
        }
        return o;
    }

    public string Text(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int? fallback = null) =>
        _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback ?? throw new ArgumentException($"--{name} is required");

    public double Double(string name, double? fallback = null) =>
        _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback ?? throw new ArgumentException($"--{name} is required");

    public ulong ULong(string name, ulong fallback) => _values.TryGetValue(name, out var v) ? ulong.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
