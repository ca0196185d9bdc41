using System.Text;
using System.Text.RegularExpressions;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>Counts per operation and status, and the failures grouped by what went wrong, each with a request that shows it.</summary>
public sealed class FuzzReport(int seed, string baseAddress)
{
    public sealed record Failure(FuzzRequest Request, string Kind, int Status, string Detail);

    private readonly Dictionary<string, SortedDictionary<int, int>> _byOperation = [];
    private readonly SortedDictionary<int, int> _byStatus = [];
    private readonly Dictionary<string, Group> _groups = [];
    private readonly List<string> _order = [];

    private sealed class Group
    {
        public List<Failure> Examples { get; } = [];
        public SortedSet<string> Targets { get; } = new(StringComparer.Ordinal);
        public int Count { get; set; }
    }

    /// <summary>Kinds that are one finding wherever they show up, rather than one per operation.</summary>
    private static readonly string[] Global = ["problem without detail or requestId", "405 without Allow"];

    public int Requests { get; private set; }
    public int Failures { get; private set; }

    public void Count(FuzzRequest request, int? status)
    {
        Requests++;
        var code = status ?? 0;
        if (!_byOperation.TryGetValue(request.Target, out var counts)) _byOperation[request.Target] = counts = [];
        counts[code] = counts.GetValueOrDefault(code) + 1;
        _byStatus[code] = _byStatus.GetValueOrDefault(code) + 1;
    }

    public void Fail(FuzzRequest request, string kind, int status, string detail)
    {
        Failures++;
        // One group per kind of failure, status, operation and kind of request; a few examples each.
        var key = Global.Contains(kind) ? $"{kind}|{status}" : $"{kind}|{status}|{request.Target}|{request.Mutation}";
        if (!_groups.TryGetValue(key, out var group))
        {
            _groups[key] = group = new Group();
            _order.Add(key);
        }
        group.Count++;
        group.Targets.Add(request.Target);
        if (group.Examples.Count < 3) group.Examples.Add(new Failure(request, kind, status, detail));
    }

    public IEnumerable<string> OperationsWithout(IEnumerable<string> operationIds) => operationIds.Where(id => !_byOperation.ContainsKey(id));

    public string Summary(TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Contract fuzz: {Requests} requests in {elapsed.TotalSeconds:F1} s, seed {seed} (CLAIMTRACKER_FUZZ_SEED={seed} replays it).");
        sb.AppendLine("Per status: " + string.Join(", ", _byStatus.Select(s => $"{(s.Key == 0 ? "none" : s.Key)}: {s.Value}")));
        sb.AppendLine("Per operation:");
        foreach (var (target, counts) in _byOperation.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            sb.AppendLine($"  {target,-48} {counts.Values.Sum(),5}  " + string.Join(" ", counts.Select(c => $"{(c.Key == 0 ? "none" : c.Key)}×{c.Value}")));
        }
        sb.AppendLine(Failures == 0 ? "No failures." : $"{Failures} failures in {_groups.Count} groups.");
        return sb.ToString();
    }

    public string Details(int maxGroups = 60)
    {
        var sb = new StringBuilder();
        foreach (var key in _order.Take(maxGroups))
        {
            var group = _groups[key];
            var first = group.Examples[0];
            var where = group.Targets.Count == 1 ? first.Request.Target : string.Join(", ", group.Targets.Take(8)) + (group.Targets.Count > 8 ? ", ..." : "");
            sb.AppendLine($"[{first.Kind}] {where} → {(first.Status == 0 ? "no answer" : first.Status.ToString())} ({group.Count}×)");
            foreach (var example in group.Examples)
            {
                sb.AppendLine($"  request {example.Request}");
                sb.AppendLine($"    what happened: {example.Detail}");
                sb.AppendLine($"    replay: {example.Request.Reproducer(baseAddress)}");
            }
        }
        if (_order.Count > maxGroups) sb.AppendLine($"... and {_order.Count - maxGroups} more groups.");
        return sb.ToString();
    }
}
