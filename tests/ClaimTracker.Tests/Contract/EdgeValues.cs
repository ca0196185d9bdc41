using System.Buffers.Text;
using System.Text;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>
/// The hostile values the fuzzer draws from. Strings that JSON cannot carry as text (lone surrogates) are written
/// as markers and turned into JSON escapes after serialisation (see <see cref="RawJson"/>).
/// </summary>
public static class EdgeValues
{
    public const int OneMegabyte = 1 << 20;
    public static readonly string Megabyte = new('x', OneMegabyte);

    /// <summary>Placed in a string, becomes the JSON escape of a lone high surrogate.</summary>
    public const string LoneHigh = "@@LONE_HIGH_SURROGATE@@";
    public const string LoneLow = "@@LONE_LOW_SURROGATE@@";

    public static readonly string[] Injection =
    [
        "' OR 1=1 --", "'; DROP TABLE claims; --", "\" OR \"\"=\"", "1; select pg_sleep(10)", "%' OR '%'='", "$1", "@id",
        "../../etc/passwd", "..\\..\\windows\\win.ini", "%00", "%2F", "%2e%2e%2f", ";", "\\", "/", "\\\\server\\share",
        "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/x}", "{0}{1}", "%s%s%n", "\r\nX-Injected: 1", "*", "?", "#", "&", "=",
    ];

    public static readonly string[] Unicode =
    [
        "e\u0301\u0301\u0301", "Z\u0334\u0321\u032A\u034E\u0344\u0313a\u0337l\u0338g\u0335o", "\u202Eevil\u202C", "القوات الأمريكية في العراق",
        "שלום", "👍🏽", "👨‍👩‍👧‍👦", "\uFEFFbom", "zero\u200Bwidth", "\u01C4", "İstanbul", "straße", "line\u2028separator",
        "\u0001\u001F\u007F", "tab\there", "new\nline", "Ａ全角", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\uFFFD", "\uFFFF", "a\u0000b", "\u0000",
        LoneHigh, LoneLow, "x" + LoneHigh + "y", LoneLow + LoneHigh,
    ];

    public static readonly string[] Blank = ["", " ", "   \t\n", "\u00A0", "\u3000"];

    public static readonly string[] Dates =
    [
        "", "2024-13", "2024-00", "2024-02-30", "2023-02-29", "24-09", "2024/09/01", "2024-9-1", "20240901", "0000",
        "0000-01-01", "-2024", "+2024-01-01", "2024-09-01T00:00:00Z", "September 2024", "9999-12-31", "9999-12", "9999",
        "0001", "0001-01", "0001-01-01", "10000-01-01", "2024-09-01 ", " 2024", "٢٠٢٤", "2024-W37", "2024-001", "2024-09-31",
        "99999", "2024-1", "2024-", "null",
    ];

    /// <summary>Numbers as JSON literals: boundaries of int32, int64, double and decimal, fractions, exponents.</summary>
    public static readonly string[] Numbers =
    [
        "0", "-0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1e308", "1e309", "-1e308", "1.5", "0.1", "1e-400", "1E3", "123456789012345678901234567890",
        "1000000000000000", "1000000000000001", "79228162514264337593543950336", "-79228162514264337593543950336", "0.0000000000000000000000000001",
    ];

    public static readonly string[] QueryNumbers =
    [
        "abc", "1.5", "-1", "0", "201", "99999999999999999999", "9223372036854775808", "-9223372036854775809", "1e3", "0x10",
        " 1", "1 ", "+1", "١", "", "NaN", "true",
    ];

    public static readonly string[] Booleans = ["yes", "1", "0", "TRUE", "True", "false ", "", "null", "on"];

    public static readonly string[] IfMatch =
    [
        "abc", "\"x\"", "v1", "\"v\"", "\"v-1\"", "\"v99999999999\"", "\"v1\", \"v2\"", "W/", "\"v1", "\"v0\"", "\"V1\"",
    ];

    public static readonly string[] Cursors = BuildCursors();

    private static string[] BuildCursors()
    {
        static string B(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        return
        [
            "x", "!!!", "====", "e30", "%00", "' OR 1=1 --", new string('A', 6000), B("null"), B("[]"), B("\"id\""), B("{}"),
            B("{\"Id\":\"1\"}"), B("{\"Id\":1e400}"), B("{\"Id\":-1}"), B("{\"Id\":9223372036854775807}"), B("{\"Id\":1,\"Rank\":1e308}"),
            B("{\"Id\":1,\"Rank\":-1e308}"), B("{\"Id\":1,\"Extra\":2}"), B("{\"Tx\":-5,\"Id\":0}"), B("{\"Tx\":9223372036854775807,\"Id\":9223372036854775807}"),
            B("{\"Start\":\"9999-12-31\",\"End\":\"0001-01-01\",\"Id\":0}"), B("{\"Start\":\"x\",\"End\":\"y\",\"Id\":0}"),
            B("{\"Id\":1,\"Rank\":null}"), B("{\"Id\":0.5}"), B("{\"Id\":1}") + "=", B("{\"Id\":1}") + "\u00E9", B("{\"Id\":1,\"Id\":2}"),
            B(new string('[', 500) + new string(']', 500)), B("{\"Id\":1,\"Rank\":\"NaN\"}"),
        ];
    }

    /// <summary>Path segments as they go on the wire (already percent-encoded where the raw character would not survive).</summary>
    public static readonly string[] PathSegments =
    [
        "abc", "-1", "0", "99999999999999999999", "9223372036854775807", "1.5", "1e3", "%27%20OR%201=1%20--", "..%2F..%2Fetc%2Fpasswd",
        "%00", "1%00", ";", "1;drop", "%5C", "%2F", "%252F", "%E2%80%AE", "%F0%9F%91%8D", "%ED%A0%80", "%FF", "%20", "+1", "0x1",
        "1%0D%0AX-Injected:%201", "%2e%2e", "~", "1,2",
    ];

    /// <summary>Query values as they go on the wire; the rest are escaped by the generator.</summary>
    public static readonly string[] RawQueryValues = ["%00", "%ED%A0%80", "%FF", "%C0%AF", "%", "%zz", "a%26b%3Dc", "+", "%2B"];

    public static readonly string[] SearchSyntax =
    [
        "\"unclosed", "-", "OR", "!!", "&|", "troops <-> iraq", ":*", "a & b", "or or or", "-\"", "'", "\\", "troops:*", "()", "\"\"",
    ];
}

/// <summary>JSON text with the fuzzer's markers turned into what a serialiser would refuse to write.</summary>
public static class RawJson
{
    /// <summary>A string value that becomes raw JSON text (a number literal no .NET type holds, deep nesting).</summary>
    public static string Raw(string json) => $"@@RAW:{json}@@";

    public static readonly string DeepNesting = Raw(new string('[', 2_000) + new string(']', 2_000));

    private static readonly System.Text.RegularExpressions.Regex RawMarker = new("\"@@RAW:([^\"]*)@@\"");

    public static string Finish(string json) => RawMarker.Replace(json
        .Replace(EdgeValues.LoneHigh, "\\ud800")
        .Replace(EdgeValues.LoneLow, "\\udc00"), m => m.Groups[1].Value);
}
