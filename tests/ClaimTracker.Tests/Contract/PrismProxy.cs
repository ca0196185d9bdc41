using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>
/// Stoplight's Prism, in proxy mode in front of the app, as an outside judge of the contract: it checks every request
/// and answer it relays against openapi.yaml and says what it found in an sl-violations header. The fuzzer sends
/// hostile requests on purpose, so request violations are expected on requests generated as invalid; a response
/// violation, or a request violation on a request generated as valid, is a failure.
/// </summary>
public sealed class PrismProxy : IAsyncDisposable
{
    public const string Variable = "CLAIMTRACKER_PRISM";
    public const string Executable = ".ci/contract/node_modules/.bin/prism";

    private static readonly HttpRequestOptionsKey<string> ViolationsKey = new("prism-violations");
    private static readonly HttpRequestOptionsKey<bool> AnsweredKey = new("prism-answered");

    private readonly Process _process;
    private int _logged;
    private readonly SortedDictionary<string, int> _direct = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _expected = new(StringComparer.Ordinal);

    public Uri Address { get; }
    public int Checked { get; private set; }
    public int Direct => _direct.Values.Sum();
    public int ExpectedRequestViolations => _expected.Values.Sum();
    public int Failures { get; private set; }

    private PrismProxy(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>
    /// Prism in front of the app, or null with the reason it was not started. With CLAIMTRACKER_PRISM=require (CI) a
    /// missing Prism is an error; with =off it is not started.
    /// </summary>
    public static async Task<(PrismProxy? Proxy, string? WhyNot)> StartAsync(Uri app, string root)
    {
        var mode = (Environment.GetEnvironmentVariable(Variable) ?? "").Trim().ToLowerInvariant();
        if (mode == "off") return (null, $"{Variable}=off");
        var prism = Path.Combine(root, Executable);
        string? whyNot = null;
        if (!File.Exists(prism)) whyNot = $"{Executable} is not installed (run 'npm ci' in .ci/contract, as .ci/contract-check.sh does)";
        else if (!OnPath("node")) whyNot = "node is not on PATH";
        if (whyNot is not null)
        {
            if (mode == "require") throw new InvalidOperationException($"{Variable}=require, but Prism cannot run: {whyNot}.");
            return (null, whyNot);
        }

        var port = FreePort();
        var start = new ProcessStartInfo(prism)
        {
            ArgumentList =
            {
                "proxy", Path.Combine(root, "openapi.yaml"), app.GetLeftPart(UriPartial.Authority),
                "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Its CORS would add headers of its own and answer preflights itself; the app's answers are what is judged.
                "--cors=false",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = root,
        };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["FORCE_COLOR"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Prism did not start.");
        process.StandardInput.Close();
        var proxy = new PrismProxy(process, new Uri($"http://127.0.0.1:{port}/"));
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tail = new Queue<string>();
        void Read(string? line)
        {
            if (line is null) return;
            if (line.Contains("Request received", StringComparison.Ordinal)) Interlocked.Increment(ref proxy._logged);
            if (line.Contains("Prism is listening", StringComparison.Ordinal)) listening.TrySetResult();
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 20) tail.Dequeue();
            }
        }
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var ready = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        if (ready != listening.Task)
        {
            await proxy.DisposeAsync();
            string said;
            lock (tail) said = string.Join("\n", tail);
            throw new InvalidOperationException($"Prism did not start listening on port {port}:\n{said}");
        }
        return (proxy, null);
    }

    /// <summary>A client through Prism, its every answer checked against the served contract as the direct ones are.</summary>
    public HttpClient Client(Contract contract, HttpClient like)
    {
        var client = new HttpClient(new ContractCheckingHandler(contract) { InnerHandler = new ViolationsHandler { InnerHandler = new SocketsHttpHandler() } })
        {
            BaseAddress = Address,
        };
        client.DefaultRequestHeaders.Authorization = like.DefaultRequestHeaders.Authorization;
        return client;
    }

    /// <summary>Counts a request sent to the app directly, by the reason Prism would have changed it.</summary>
    public void SentDirectly(string reason) => _direct[reason] = _direct.GetValueOrDefault(reason) + 1;

    /// <summary>Judges what Prism said about a request it relayed (read from the request message after the answer).</summary>
    public void Judge(FuzzRequest request, HttpRequestMessage message, int status, FuzzReport report)
    {
        if (!message.Options.TryGetValue(AnsweredKey, out _)) return;
        Checked++;
        if (!message.Options.TryGetValue(ViolationsKey, out var header)) return;

        var violations = Parse(header);
        var generatedValid = request.Expect == Expectation.Success || request.Mutation is "valid" or "read";
        foreach (var v in violations.Where(v => v.Side == "response"))
        {
            Failures++;
            report.Fail(request, "Prism: response violation", status, v.ToString());
        }
        foreach (var v in violations.Where(v => v.Side != "response"))
        {
            if (generatedValid)
            {
                Failures++;
                report.Fail(request, "Prism: request violation on a valid request", status, v.ToString());
            }
            else
            {
                var key = $"{v.Severity} {v.Code ?? "-"} at {v.Where}";
                _expected[key] = _expected.GetValueOrDefault(key) + 1;
            }
        }
    }

    public sealed record Violation(string Side, string Where, string Severity, string? Code, string Message)
    {
        public override string ToString() => $"Prism: {Severity} at {Where}{(Code is null ? "" : $" ({Code})")}: {Message}";
    }

    /// <summary>The sl-violations header: a JSON array, cut and prefixed "Too many violations!" past 8 KB.</summary>
    public static IReadOnlyList<Violation> Parse(string header)
    {
        const string tooMany = "Too many violations! ";
        if (header.StartsWith(tooMany, StringComparison.Ordinal))
        {
            var side = header.Contains("\"location\":[\"response\"", StringComparison.Ordinal) ? "response" : "request";
            return [new Violation(side, side, "Error", null, FuzzRequest.Shorten(header, 600))];
        }
        using var document = JsonDocument.Parse(header);
        return [.. document.RootElement.EnumerateArray().Select(v =>
        {
            var location = v.TryGetProperty("location", out var l) ? l.EnumerateArray().Select(x => x.ToString()).ToList() : [];
            return new Violation(location.FirstOrDefault() ?? "request", string.Join('.', location),
                v.TryGetProperty("severity", out var s) ? s.GetString() ?? "" : "",
                v.TryGetProperty("code", out var c) ? c.ToString() : null,
                v.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "");
        })];
    }

    /// <summary>Waits (a little) for Prism's log to catch up with the answers, so the two counts can be compared.</summary>
    public async Task SettleAsync()
    {
        for (var i = 0; i < 50 && Volatile.Read(ref _logged) < Checked; i++) await Task.Delay(100);
    }

    /// <summary>How many requests Prism's own log says it received.</summary>
    public int Logged => Volatile.Read(ref _logged);

    public string Summary()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Prism (proxy mode, openapi.yaml): checked {Checked} requests and their answers (its log counts {Logged} received); " +
                      $"{Failures} violations that fail the run.");
        if (Direct > 0)
        {
            sb.AppendLine($"  {Direct} sent to the app directly, as Prism would have changed them: " +
                          string.Join(", ", _direct.Select(d => $"{d.Key} ×{d.Value}")) + ".");
        }
        sb.AppendLine($"  {ExpectedRequestViolations} request violations on requests generated as invalid (expected)" +
                      (_expected.Count == 0 ? "." : ": " + string.Join(", ", _expected.OrderByDescending(e => e.Value).Take(12).Select(e => $"{e.Key} ×{e.Value}")) +
                                                    (_expected.Count > 12 ? ", ..." : ".")));
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, name)));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Keeps Prism's verdict on the request message, where the fuzzer finds it even when the contract check throws.</summary>
    private sealed class ViolationsHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            request.Options.Set(AnsweredKey, true);
            if (response.Headers.TryGetValues("sl-violations", out var values)) request.Options.Set(ViolationsKey, string.Join("", values));
            return response;
        }
    }
}
