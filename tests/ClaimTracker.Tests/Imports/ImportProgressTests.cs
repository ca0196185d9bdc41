using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Imports;

/// <summary>An import's own progress, read while its one all-or-nothing request is still being sent.</summary>
public sealed class ImportProgressTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    /// <summary>A body sent in two parts: the second only once the test says so.</summary>
    private sealed class PausedBody(byte[] first, byte[] rest, Task resume) : HttpContent
    {
        public TaskCompletionSource FirstSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            FirstSent.TrySetResult();
            await resume;
            await stream.WriteAsync(rest);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = first.Length + rest.Length;
            return true;
        }
    }

    private static byte[] Lines(string u, int from, int to) => Encoding.UTF8.GetBytes(string.Concat(
        Enumerable.Range(from, to - from).Select(i => JsonSerializer.Serialize(new { type = "subject", name = $"Progress subject {u} {i}" }) + "\n")));

    [Fact]
    public async Task The_progress_of_a_running_import_is_read_while_it_runs_and_its_end_after()
    {
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        var job = $"test-{u}";
        var resume = new TaskCompletionSource();
        var body = new PausedBody(Lines(u, 0, 1_500), Lines(u, 1_500, 3_000), resume.Task);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var total = body.Headers.ContentLength!.Value;

        var posting = curator.PostAsync($"/import?job={job}", body);
        await body.FirstSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        JsonElement during = default;
        for (var poll = 0; poll < 300; poll++)
        {
            var answer = await curator.GetAsync($"/import/{job}");
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                during = await answer.ReadJsonAsync(HttpStatusCode.OK);
                if (during.GetProperty("lines").GetInt64() >= 1_000) break;
            }
            await Task.Delay(50);
        }

        // Halfway: reading, a thousand lines counted, part of the body read, nothing reported yet.
        Assert.Equal("reading", during.GetProperty("phase").GetString());
        Assert.Equal(1_000, during.GetProperty("lines").GetInt64());
        Assert.Equal(total, during.GetProperty("totalBytes").GetInt64());
        Assert.InRange(during.GetProperty("bytesRead").GetInt64(), 1, total - 1);
        Assert.Equal(JsonValueKind.Null, during.GetProperty("report").ValueKind);
        // Another import under the same id while this one runs is refused; another curator does not see it.
        var twice = await curator.PostAsync($"/import?job={job}", new StringContent("", Encoding.UTF8, "application/x-ndjson"));
        await twice.ReadProblemAsync(HttpStatusCode.Conflict);
        var stranger = await api.CuratorClientAsync();
        await (await stranger.GetAsync($"/import/{job}")).ReadProblemAsync(HttpStatusCode.NotFound);

        resume.SetResult();
        var report = await (await posting).ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(report.GetProperty("committed").GetBoolean());

        var after = await curator.GetJsonAsync($"/import/{job}");
        Assert.Equal("committed", after.GetProperty("phase").GetString());
        Assert.Equal(total, after.GetProperty("bytesRead").GetInt64());
        Assert.Equal(3_000, after.GetProperty("lines").GetInt64());
        Assert.Equal(3_000, after.GetProperty("report").GetProperty("imported").GetProperty("subjects").GetInt64());
    }

    [Fact]
    public async Task A_refused_import_ends_refused_with_its_report_and_the_id_can_be_used_again()
    {
        var curator = await api.CuratorClientAsync();
        var job = $"test-{Samples.Unique()}";
        var bad = await curator.PostAsync($"/import?job={job}", new StringContent("{\"type\": \"nothing\"}\n", Encoding.UTF8, "application/x-ndjson"));
        await bad.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        var refused = await curator.GetJsonAsync($"/import/{job}");
        Assert.Equal("refused", refused.GetProperty("phase").GetString());
        Assert.Equal(1, refused.GetProperty("report").GetProperty("rejectedCount").GetInt64());

        var good = await curator.PostAsync($"/import?job={job}",
            new StringContent(JsonSerializer.Serialize(new { type = "subject", name = $"Again {Samples.Unique()}" }) + "\n", Encoding.UTF8, "application/x-ndjson"));
        await good.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("committed", (await curator.GetJsonAsync($"/import/{job}")).GetProperty("phase").GetString());
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has%20a%20space")]
    public async Task A_job_id_that_is_not_8_to_64_letters_digits_dashes_or_underscores_is_a_400(string job)
    {
        var curator = await api.CuratorClientAsync();
        await (await curator.GetAsync($"/import/{job}")).ReadProblemAsync(HttpStatusCode.BadRequest, "job");
        await (await curator.PostAsync($"/import?job={job}", new StringContent("", Encoding.UTF8, "application/x-ndjson")))
            .ReadProblemAsync(HttpStatusCode.BadRequest, "job");
    }

    [Fact]
    public async Task An_import_nobody_started_is_a_404_and_progress_needs_a_key()
    {
        var curator = await api.CuratorClientAsync();
        await (await curator.GetAsync($"/import/never-{Samples.Unique()}")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await api.CreateClient().GetAsync($"/import/never-{Samples.Unique()}")).ReadProblemAsync(HttpStatusCode.Unauthorized);
    }
}
