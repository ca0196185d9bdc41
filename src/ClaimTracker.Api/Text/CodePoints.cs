using System.Text;

namespace ClaimTracker.Api.Text;

/// <summary>
/// Offsets in the API count Unicode code points, as PostgreSQL's length() and substr() do, while .NET strings
/// count UTF-16 units. This maps between the two for one text.
/// </summary>
public sealed class CodePoints
{
    private readonly string _text;
    // UTF-16 index of each code point, plus the end; null when the text has no surrogate pairs (the common case).
    private readonly int[]? _utf16;

    public CodePoints(string text)
    {
        _text = text;
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            Length = text.Length;
            return;
        }
        var map = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1) map.Add(i);
        map.Add(text.Length);
        _utf16 = [.. map];
        Length = _utf16.Length - 1;
    }

    public string Text => _text;

    public int Length { get; }

    public int ToUtf16(int codePoint) => _utf16 is null ? codePoint : _utf16[codePoint];

    public int FromUtf16(int index)
    {
        if (_utf16 is null) return index;
        var found = Array.BinarySearch(_utf16, index);
        return found >= 0 ? found : ~found;
    }

    public string Slice(int start, int end) => _text[ToUtf16(start)..ToUtf16(end)];

    public static int Count(string text) => text.EnumerateRunes().Count();

    public static string Nfc(string text) => text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
}
