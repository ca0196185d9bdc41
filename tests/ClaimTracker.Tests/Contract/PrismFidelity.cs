using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>
/// Whether Prism's proxy would hand a request to the app as the fuzzer wrote it. Prism parses what it forwards: a JSON
/// body is decoded and written again by JSON.stringify, other bodies are decoded as UTF-8 text, the URL is parsed
/// (dot segments and doubled slashes resolved) and its query re-encoded. A request it would change (lax or
/// duplicate-keyed JSON, 2500.0 that would arrive as 2500, invalid UTF-8) or cannot carry (HEAD, a GET with a body,
/// malformed JSON) goes to the app directly, since its verdict would be about another request; the reason is counted.
/// </summary>
public static class PrismFidelity
{
    /// <summary>Prism buffers bodies up to 10 MB; far smaller ones already show every rule, and keep the run quick.</summary>
    public const int MaxBody = 256 * 1024;

    /// <summary>RFC 9110's media-type grammar, as Node's content-type parser applies it (it throws on anything else).</summary>
    private static readonly System.Text.RegularExpressions.Regex StrictMediaType = new(
        """^[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*;[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|"(?:[^"\\]|\\.)*"))*[ \t]*$""");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Null when Prism would relay the request unchanged; otherwise why not, in a few words.</summary>
    public static string? WhyNotRelayed(FuzzRequest request)
    {
        if (request.Method is "HEAD") return "HEAD (Prism answers it itself)";
        var split = request.PathAndQuery.IndexOf('?');
        var path = split < 0 ? request.PathAndQuery : request.PathAndQuery[..split];
        if (path == "/changes/stream") return "a change stream (it never ends, and Prism reads an answer to its end)";
        if (PathWhyNot(path) is { } pathReason) return pathReason;
        if (split >= 0 && QueryWhyNot(request.PathAndQuery[(split + 1)..]) is { } queryReason) return queryReason;

        if (request.Body is not { Length: > 0 } body) return null;
        if (request.Method is "GET") return "GET with a body";
        if (body.Length > MaxBody) return "body over 256 KB";
        if (request.ContentType is { } type && !StrictMediaType.IsMatch(type)) return "Content-Type Prism cannot parse (it answers 500)";
        if (IsJsonMediaType(request.ContentType, out var utf8))
        {
            if (!utf8) return "JSON in a charset other than UTF-8";
            return JsonWhyNot(body);
        }
        if (body.AsSpan().StartsWith("\uFEFF"u8)) return "body starts with a byte-order mark";
        return Utf8(body) is null ? "body is not UTF-8" : null;
    }

    /// <summary>The media types Prism parses as JSON (type-is: application/json, application/*+json).</summary>
    private static bool IsJsonMediaType(string? contentType, out bool utf8)
    {
        utf8 = true;
        if (contentType is null || !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var type = media.MediaType?.ToLowerInvariant() ?? "";
        var json = type == "application/json" || (type.StartsWith("application/", StringComparison.Ordinal) && type.EndsWith("+json", StringComparison.Ordinal));
        utf8 = media.CharSet is null || media.CharSet.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase);
        return json;
    }

    private static string? PathWhyNot(string path)
    {
        if (path.Contains("//", StringComparison.Ordinal) || path.Contains('\\')) return "path Prism would normalise";
        // "/claims/": ASP.NET routes it to /claims, Prism to /claims/{id} with an empty id, and judges the list as a claim.
        if (path.Length > 1 && path.EndsWith('/')) return "trailing slash (routed differently by Prism)";
        foreach (var segment in path.Split('/'))
        {
            var s = segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase);
            if (s is "." or "..") return "path Prism would normalise";
        }
        // Kestrel refuses an encoded NUL in the path itself, before any middleware (an empty 400 the fuzzer knows).
        if (path.Contains("%00", StringComparison.Ordinal)) return "NUL in the path";
        return PercentDecoded(path) is null ? "path is not UTF-8" : null;
    }

    /// <summary>Prism re-encodes the query from its decoded values; that keeps its meaning when every value is UTF-8.</summary>
    private static string? QueryWhyNot(string query)
    {
        foreach (var pair in query.Split('&'))
        {
            if (PercentDecoded(pair.Replace('+', ' ')) is null) return "query is not UTF-8";
        }
        return null;
    }

    private static string? PercentDecoded(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length
                && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (text[i] > 0x7F)
            {
                return null;
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }
        return Utf8([.. bytes]);
    }

    private static string? Utf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Relayed unchanged only when JSON.stringify(JSON.parse(body)) gives back the very same bytes.</summary>
    public static string? JsonWhyNot(byte[] body)
    {
        if (Utf8(body) is null) return "body is not UTF-8";
        string again;
        try
        {
            again = Stringify(body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or DuplicateKeyException)
        {
            return e is DuplicateKeyException ? "JSON with a duplicate key" : "malformed JSON, or a lone surrogate";
        }
        if (!again.Equals(Encoding.UTF8.GetString(body), StringComparison.Ordinal)) return "JSON that JSON.stringify would rewrite";
        // Prism forwards a body only when the parsed value is truthy: null, false, 0 or "" would arrive as nothing.
        return again is "null" or "false" or "0" or "\"\"" ? "a JSON body of null, false, 0 or \"\" (Prism drops it)" : null;
    }

    private sealed class DuplicateKeyException : Exception;

    /// <summary>JSON.stringify(JSON.parse(text)) for the JSON that survives it (no duplicate keys, numbers JavaScript can hold).</summary>
    public static string Stringify(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 100_000 });
        var sb = new StringBuilder(body.Length);
        // Per open object its keys (null for an array) and whether it has a member yet.
        var keys = new Stack<HashSet<string>?>();
        var hasMembers = new Stack<bool>();
        var afterName = false;
        void Member()
        {
            if (afterName)
            {
                afterName = false;
                return;
            }
            if (hasMembers.Count == 0) return;
            if (hasMembers.Pop()) sb.Append(',');
            hasMembers.Push(true);
        }
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    Member();
                    sb.Append(reader.TokenType == JsonTokenType.StartObject ? '{' : '[');
                    keys.Push(reader.TokenType == JsonTokenType.StartObject ? [] : null);
                    hasMembers.Push(false);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    keys.Pop();
                    hasMembers.Pop();
                    sb.Append(reader.TokenType == JsonTokenType.EndObject ? '}' : ']');
                    break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    if (!keys.Peek()!.Add(name)) throw new DuplicateKeyException();
                    Member();
                    Quote(sb, name);
                    sb.Append(':');
                    afterName = true;
                    break;
                case JsonTokenType.String:
                    Member();
                    Quote(sb, reader.GetString()!);
                    break;
                case JsonTokenType.Number:
                    Member();
                    sb.Append(JsNumber(double.Parse(Encoding.UTF8.GetString(reader.ValueSpan), NumberStyles.Float, CultureInfo.InvariantCulture)));
                    break;
                default:
                    Member();
                    sb.Append(reader.TokenType switch { JsonTokenType.True => "true", JsonTokenType.False => "false", _ => "null" });
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A string as JSON.stringify writes it: the quote, the backslash, controls and lone surrogates escaped.</summary>
    private static void Quote(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(c).Append(s[++i]);
                continue;
            }
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < 0x20 || char.IsSurrogate(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        sb.Append('"');
    }

    /// <summary>Number.prototype.toString: the shortest digits that read back, fixed between 1e-7 and 1e21.</summary>
    public static string JsNumber(double value)
    {
        if (!double.IsFinite(value)) return "null";
        if (value == 0) return "0";
        var sign = value < 0 ? "-" : "";
        // The shortest digits that read back: "R" gives them, in either notation.
        var (digits, exponent) = Digits(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture));
        var k = digits.Length;
        var n = exponent + 1; // the position of the decimal point after the first digit, as ECMAScript counts it
        string text;
        if (k <= n && n <= 21) text = digits + new string('0', n - k);
        else if (0 < n && n <= 21) text = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0) text = "0." + new string('0', -n) + digits;
        else
        {
            var e = n - 1;
            text = (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + (e >= 0 ? "+" : "-") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        }
        return sign + text;
    }

    /// <summary>"1.25E+21" or "0.00125" as significant digits ("125") and the exponent of the first (21, -3).</summary>
    private static (string Digits, int Exponent) Digits(string number)
    {
        var e = number.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? number : number[..e];
        var exponent = e < 0 ? 0 : int.Parse(number[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var whole = dot < 0 ? mantissa : mantissa[..dot];
        var fraction = dot < 0 ? "" : mantissa[(dot + 1)..];
        var all = whole + fraction;
        var leading = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        // The first significant digit sits (whole.Length - 1 - leading) places from the decimal point.
        return (digits, whole.Length - 1 - leading + exponent);
    }
}
