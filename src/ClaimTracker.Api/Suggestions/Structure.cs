using ClaimTracker.Api.Text;

namespace ClaimTracker.Api.Suggestions;

/// <summary>
/// Where sentences, paragraphs, quotations and clauses begin and end, computed once per text in one pass over its
/// tokens, so that every rule after it looks up a token's sentence or clause in constant time.
/// </summary>
internal sealed class Structure
{
    public readonly int[] Sentence;   // sentence index of each token
    public readonly int[] Paragraph;  // paragraph index of each token
    public readonly bool[] InQuote;   // token lies inside quotation marks
    public readonly int[] Clause;     // clause index of each token
    public readonly List<(int Start, int End)> Sentences = [];
    public readonly List<(int Start, int End)> Clauses = [];

    /// <summary>Clauses longer than this are cut around the figure when a passage is chosen (text with no punctuation).</summary>
    public const int MaxPassageTokens = 40;

    public Structure(Token[] t, string text, Lang lang)
    {
        var n = t.Length;
        Sentence = new int[n];
        Paragraph = new int[n];
        InQuote = new bool[n];
        Clause = new int[n];
        int sentence = 0, paragraph = 0, sentenceStart = 0;
        var quote = false;
        for (var i = 0; i < n; i++)
        {
            if (i > 0 && t[i].BreakBefore)
            {
                paragraph++;
                quote = false;
                if (sentenceStart < i) { Sentences.Add((sentenceStart, i)); sentence++; sentenceStart = i; }
            }
            var open = IsOpenQuote(t, text, i, lang, quote);
            var close = !open && IsCloseQuote(t, text, i, lang, quote);
            if (open) quote = true;
            Sentence[i] = sentence;
            Paragraph[i] = paragraph;
            InQuote[i] = quote && !open;
            if (close) quote = false;
            if (EndsSentence(t, text, i, lang))
            {
                // A closing quotation mark after the full stop belongs to the sentence.
                var end = i + 1;
                while (end < n && !t[end].BreakBefore && t[end].Kind == TokenKind.Punct && t[end].Norm is "\u201D" or "\"" or "\u00BB" or "\u201C" or "'" or ")")
                {
                    Sentence[end] = sentence;
                    Paragraph[end] = paragraph;
                    InQuote[end] = false;
                    if (t[end].Norm is "\u201D" or "\"" or "\u00BB" or "\u201C") quote = false;
                    end++;
                }
                Sentences.Add((sentenceStart, end));
                sentence++;
                sentenceStart = end;
                i = end - 1;
            }
        }
        if (sentenceStart < n) Sentences.Add((sentenceStart, n));

        // Clauses: split at punctuation that ends a clause, at relative pronouns, and at "and"/"but" before a new verb phrase.
        var clause = 0;
        var clauseStart = 0;
        for (var i = 0; i < n; i++)
        {
            var boundary = i > 0 && (Sentence[i] != Sentence[i - 1] || SplitsBefore(t, text, i, clauseStart));
            if (boundary)
            {
                Clauses.Add((clauseStart, i));
                clause++;
                clauseStart = i;
            }
            Clause[i] = clause;
        }
        if (clauseStart < n || n == 0) Clauses.Add((clauseStart, n));
    }

    private static bool IsOpenQuote(Token[] t, string text, int i, Lang lang, bool inQuote)
    {
        if (t[i].Kind != TokenKind.Punct) return false;
        var c = t[i].Norm;
        return c switch
        {
            "\u201C" => lang != Lang.De,     // “ opens in English and French; closes in German
            "\u201E" or "\u00AB" => true,    // „ «
            "\u00BB" => lang == Lang.De && !inQuote, // » opens in German »…«
            "\"" => !inQuote,
            _ => false,
        };
    }

    private static bool IsCloseQuote(Token[] t, string text, int i, Lang lang, bool inQuote)
    {
        if (t[i].Kind != TokenKind.Punct || !inQuote) return false;
        return t[i].Norm is "\u201D" or "\"" or "\u00BB" or "\u00AB" || t[i].Norm == "\u201C" && lang == Lang.De;
    }

    private static bool EndsSentence(Token[] t, string text, int i, Lang lang)
    {
        if (t[i].Kind != TokenKind.Punct || t[i].Norm is not ("." or "!" or "?")) return false;
        if (i + 1 >= t.Length) return true;
        var next = t[i + 1];
        if (next.BreakBefore) return true;
        if (t[i].Norm != ".") return next.SpaceBefore || next.Kind == TokenKind.Punct;
        if (!next.SpaceBefore && next.Kind != TokenKind.Punct) return false; // "U.S.", "a.m."
        if (i > 0)
        {
            var prev = t[i - 1];
            // Abbreviations and initials: "Gen. Qasem Soleimani", "Aug. 29", "U.S. officials"
            if (prev.IsWord && (Lexicon.Abbreviations.Contains(prev.Norm) || prev.Norm.Length == 1)) return false;
            // German ordinals: "am 17. September"
            if (lang == Lang.De && prev.IsNumber && prev.Norm.Length <= 2) return false;
        }
        // A new sentence starts with a capital, a digit or a quotation mark.
        return next.Kind != TokenKind.Word || char.IsUpper(text[next.Start]);
    }

    private static bool SplitsBefore(Token[] t, string text, int i, int clauseStart)
    {
        var tk = t[i];
        if (tk.Kind == TokenKind.Punct)
        {
            return tk.Norm is "," or ";" or ":" or "(" or ")" or "\u2014" or "\u201C" or "\u201D" or "\u201E" or "\u00AB" or "\u00BB" or "\""
                || tk.Norm == "\u2013" && tk.SpaceBefore;
        }
        // A token right after a clause-ending mark starts the clause already.
        if (i > 0 && t[i - 1].Kind == TokenKind.Punct && t[i - 1].Norm is "," or ";" or ":" or "(" or "\u2014") return true;
        if (!tk.IsWord) return false;
        var w = tk.Norm;
        if (w is "that" or "which" or "who" or "whom" or "where" or "dass" or "qui" or "que" or "dont" or "où")
        {
            return i - clauseStart >= 3;
        }
        if (w is "and" or "but" or "while" or "whereas" or "und" or "aber" or "et" or "mais" && i - clauseStart >= 4 && i + 1 < t.Length)
        {
            var next = t[i + 1];
            return next.IsWord && !char.IsUpper(text[next.Start]) && !Lexicon.Determiners.Contains(next.Norm) && !Lexicon.NounModifiers.Contains(next.Norm)
                && !Lexicon.Nouns.ContainsKey(next.Norm) && !Lexicon.KilledCues.Contains(next.Norm) && !Lexicon.WoundedCues.Contains(next.Norm);
        }
        return false;
    }
}
