using System.Net.Http.Headers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Sources;

public sealed class CreateSourceTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Create_source_stores_the_text_in_NFC_with_its_sha256_and_answers_with_its_location()
    {
        var curator = await api.CuratorClientAsync("ada");
        var body = $"Caf\u0065\u0301 talks {Samples.Unique()}: about 2,500 troops.";
        var source = Samples.Source(body: body, published: "2024-09");

        var response = await curator.PostJsonAsync("/sources", source);

        var created = await response.ReadJsonAsync(HttpStatusCode.Created);
        var nfc = body.Normalize(NormalizationForm.FormC);
        Assert.Equal($"/sources/{created.GetProperty("id").GetInt64()}", response.Headers.Location?.OriginalString);
        Assert.Equal(nfc, created.GetProperty("body").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nfc))), created.GetProperty("revision").GetProperty("sha256").GetString());
        Assert.Equal(nfc.Length, created.GetProperty("revision").GetProperty("length").GetInt32());
        Assert.Equal("2024-09", created.GetProperty("published").GetProperty("date").GetString());
        Assert.Equal("month", created.GetProperty("published").GetProperty("precision").GetString());
        Assert.Equal("ada", created.GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task Create_source_keeps_the_provenance_of_its_metadata()
    {
        var curator = await api.CuratorClientAsync();
        var source = Samples.Source(published: "2024");
        source["provenance"] = new Dictionary<string, string> { ["published"] = "Year only: the text names no month." };

        var created = await curator.CreateSourceAsync(source);

        Assert.Equal("Year only: the text names no month.", created.GetProperty("provenance").GetProperty("published").GetString());
        Assert.Equal("year", created.GetProperty("published").GetProperty("precision").GetString());
    }

    [Fact]
    public async Task The_same_text_twice_returns_409_naming_the_existing_source()
    {
        var curator = await api.CuratorClientAsync();
        var first = await curator.CreateSourceAsync();
        var again = Samples.Source(body: first.GetProperty("body").GetString());
        var before = await api.CountRowsAsync();

        var response = await curator.PostJsonAsync("/sources", again);

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(first.GetProperty("id").GetInt64(), problem.GetProperty("existingSourceId").GetInt64());
        Assert.Equal("body", problem.GetProperty("field").GetString());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task The_same_url_twice_returns_409_even_with_another_host_case_and_a_fragment()
    {
        var curator = await api.CuratorClientAsync();
        var slug = Samples.Unique();
        var first = await curator.CreateSourceAsync(Samples.Source(url: $"https://news.example.org/{slug}"));

        var response = await curator.PostJsonAsync("/sources", Samples.Source(url: $"https://NEWS.example.org/{slug}#top"));

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(first.GetProperty("id").GetInt64(), problem.GetProperty("existingSourceId").GetInt64());
        Assert.Equal("url", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Create_source_without_a_key_returns_401_problem()
    {
        var before = await api.CountRowsAsync();

        var response = await api.CreateClient().PostJsonAsync("/sources", Samples.Source());

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Create_source_with_a_wrong_or_revoked_key_returns_401_problem()
    {
        var wrong = api.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ct_not-a-real-key");
        var key = await ApiKeys.CreateAsync(api.Db, $"leaver-{Samples.Unique()}");
        await ApiKeys.RevokeAsync(api.Db, key.Prefix);
        var revoked = api.CreateClient();
        revoked.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        var before = await api.CountRowsAsync();

        var problem = await (await wrong.PostJsonAsync("/sources", Samples.Source())).ReadProblemAsync(HttpStatusCode.Unauthorized);
        await (await revoked.PostJsonAsync("/sources", Samples.Source())).ReadProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("unknown or revoked", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "missing title", """{"body":"Some text","language":"en"}""", "title" },
        { "title of the wrong type", """{"title":123,"body":"Some text","language":"en"}""", "title" },
        { "null title", """{"title":null,"body":"Some text","language":"en"}""", "title" },
        { "unknown field", """{"title":"T","body":"Some text","language":"en","colour":"red"}""", "colour" },
        { "blank body", """{"title":"T","body":"   ","language":"en"}""", "body" },
        { "impossible date", """{"title":"T","body":"Some text","language":"en","published":"2024-02-30"}""", "published" },
        { "future date", """{"title":"T","body":"Some text","language":"en","published":"2999-01"}""", "published" },
        { "date with time", """{"title":"T","body":"Some text","language":"en","published":"2024-09-18T10:00"}""", "published" },
        { "bad language", """{"title":"T","body":"Some text","language":"English!"}""", "language" },
        { "relative url", """{"title":"T","body":"Some text","language":"en","url":"/news/1"}""", "url" },
        { "NUL in a field", """{"title":"T\u0000","body":"Some text","language":"en"}""", "title" },
        { "lone surrogate", """{"title":"T\ud800","body":"Some text","language":"en"}""", "title" },
        { "authors as a string", """{"title":"T","body":"Some text","language":"en","authors":"A"}""", "authors" },
        { "unknown provenance field", """{"title":"T","body":"Some text","language":"en","provenance":{"mood":"x"}}""", "provenance" },
        { "truncated JSON", """{"title":"T","body":"Some""", "body" },
        { "not JSON", "title=T&body=x", "$" },
        { "empty body", "", "$" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_returns_400_naming_the_field_and_writes_nothing(string because, string json, string field)
    {
        var curator = await api.CuratorClientAsync();
        var before = await api.CountRowsAsync();

        var response = await curator.PostAsync("/sources", Http.Json(json));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), because);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Text_that_is_not_valid_UTF8_returns_400_and_writes_nothing()
    {
        var curator = await api.CuratorClientAsync();
        var before = await api.CountRowsAsync();
        byte[] json = [.. """{"title":"T","body":"bad """u8, 0xC3, 0x28, .. """ bytes","language":"en"}"""u8];
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await curator.PostAsync("/sources", content);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, "body");
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_request_body_over_the_size_limit_returns_413_problem_and_writes_nothing()
    {
        var curator = await api.CuratorClientAsync();
        var before = await api.CountRowsAsync();
        var huge = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Samples.Source(body: new string('x', 5 * 1024 * 1024)));
        // With Expect: 100-continue the client waits for the server's verdict instead of streaming 5 MB into a closed socket.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sources") { Content = new ByteArrayContent(huge) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.ExpectContinue = true;

        var response = await curator.SendAsync(request);

        await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_media_type_returns_415_problem()
    {
        var curator = await api.CuratorClientAsync();

        var response = await curator.PostAsync("/sources", new StringContent("{}", Encoding.UTF8, "text/plain"));

        await response.ReadProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }
}
