using System.Text;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>Which fuzz requests Prism would relay unchanged, so that its verdicts are about what the app received.</summary>
public sealed class PrismFidelityTests
{
    private static FuzzRequest Post(string body, string? contentType = "application/json", string path = "/subjects") => new()
    {
        Index = 0, Target = "CreateSubject", Method = "POST", PathAndQuery = path, Expect = Expectation.Invariants, Description = "test",
        Body = Encoding.UTF8.GetBytes(body), ContentType = contentType,
    };

    private static FuzzRequest Get(string pathAndQuery) => new()
    {
        Index = 0, Target = "ListSources", Method = "GET", PathAndQuery = pathAndQuery, Expect = Expectation.Invariants, Description = "test",
    };

    [Theory]
    [InlineData(2500, "2500")]
    [InlineData(0.1, "0.1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(123456789012345680000.0, "123456789012345680000")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(-0.0, "0")]
    public void Numbers_are_written_as_javascript_writes_them(double value, string expected)
    {
        Assert.Equal(expected, PrismFidelity.JsNumber(value));
    }

    [Fact]
    public void Compact_json_with_text_in_any_script_is_relayed()
    {
        Assert.Null(PrismFidelity.WhyNotRelayed(Post("""{"name":"“at no point” 🇮🇶 \"q\" \\ \n","n":[1,2.5,{"a":null,"b":true}],"e":{}}""")));
        Assert.Null(PrismFidelity.WhyNotRelayed(Post("[]")));
        Assert.Null(PrismFidelity.WhyNotRelayed(Post("{\"x\":\"\\u001f\"}")));
    }

    [Theory]
    [InlineData("{ \"name\": \"x\" }", "JSON that JSON.stringify would rewrite")]
    [InlineData("{\"amount\":2500.0}", "JSON that JSON.stringify would rewrite")]
    [InlineData("{\"amount\":1e400}", "JSON that JSON.stringify would rewrite")]
    [InlineData("{\"name\":\"\\u0041\"}", "JSON that JSON.stringify would rewrite")]
    [InlineData("{\"name\":\"a\",\"name\":\"b\"}", "JSON with a duplicate key")]
    [InlineData("null", "a JSON body of null, false, 0 or \"\" (Prism drops it)")]
    [InlineData("0", "a JSON body of null, false, 0 or \"\" (Prism drops it)")]
    [InlineData("\"\"", "a JSON body of null, false, 0 or \"\" (Prism drops it)")]
    [InlineData("{\"name\":", "malformed JSON, or a lone surrogate")]
    [InlineData("{\"name\":\"\\ud800\"}", "malformed JSON, or a lone surrogate")]
    public void Json_that_prism_would_rewrite_or_cannot_parse_goes_directly(string body, string reason)
    {
        Assert.Equal(reason, PrismFidelity.WhyNotRelayed(Post(body)));
    }

    [Fact]
    public void Other_bodies_are_relayed_as_utf8_text_only()
    {
        Assert.Null(PrismFidelity.WhyNotRelayed(Post("{\"type\":\"subject\"}\n{ \"x\": 1 }", "application/x-ndjson", "/import")));
        Assert.Null(PrismFidelity.WhyNotRelayed(Post("{ \"name\": \"x\" }", "text/plain")));
        Assert.Null(PrismFidelity.WhyNotRelayed(Post("{}", "application/json; charset=\"utf-8\"")));
        Assert.Equal("Content-Type Prism cannot parse (it answers 500)", PrismFidelity.WhyNotRelayed(Post("{}", "application/x-ndjson;", "/import")));
        Assert.Equal("Content-Type Prism cannot parse (it answers 500)", PrismFidelity.WhyNotRelayed(Post("{}", "application/json; charset")));
        Assert.Equal("JSON in a charset other than UTF-8", PrismFidelity.WhyNotRelayed(Post("{}", "application/json; charset=latin1")));
        var invalid = Post("", "text/plain");
        invalid.Body = [0x7B, 0xFF, 0x7D];
        Assert.Equal("body is not UTF-8", PrismFidelity.WhyNotRelayed(invalid));
        Assert.Equal("body starts with a byte-order mark", PrismFidelity.WhyNotRelayed(Post("\uFEFF{}", null)));
    }

    [Theory]
    [InlineData("/sources?limit=20&outlet=Antiwar.com", null)]
    [InlineData("/sources?q=%E2%80%9Cat%20no%20point%E2%80%9D&x=a+b&flag", null)]
    [InlineData("/sources/1/passages", null)]
    [InlineData("/sources/..", "path Prism would normalise")]
    [InlineData("/sources/%2E%2e/claims", "path Prism would normalise")]
    [InlineData("/sources//1", "path Prism would normalise")]
    [InlineData("/claims/", "trailing slash (routed differently by Prism)")]
    [InlineData("/claims/%00", "NUL in the path")]
    [InlineData("/claims/%FF", "path is not UTF-8")]
    [InlineData("/sources?outlet=%ED%A0%80", "query is not UTF-8")]
    public void Paths_and_queries_prism_would_change_go_directly(string pathAndQuery, string? reason)
    {
        Assert.Equal(reason, PrismFidelity.WhyNotRelayed(Get(pathAndQuery)));
    }

    [Fact]
    public void Head_and_get_with_a_body_go_directly()
    {
        Assert.Equal("HEAD (Prism answers it itself)", PrismFidelity.WhyNotRelayed(new FuzzRequest
        {
            Index = 0, Target = "t", Method = "HEAD", PathAndQuery = "/sources", Expect = Expectation.Invariants, Description = "d",
        }));
        var get = Get("/sources");
        get.Body = "{}"u8.ToArray();
        Assert.Equal("GET with a body", PrismFidelity.WhyNotRelayed(get));
    }
}
