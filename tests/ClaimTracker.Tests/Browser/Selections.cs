namespace ClaimTracker.Tests.Browser;

/// <summary>Selecting words of the reader's text as a user does with the mouse.</summary>
public static class Selections
{
    /// <summary>
    /// Selects the first occurrence of the needle in the article text (a JavaScript function for EvaluateAsync), across
    /// the marks that split its text (highlights, suggestions); false when the text has no such words.
    /// </summary>
    public const string SelectText = """
        needle => {
          const root = document.getElementById('article-text');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          const nodes = [];
          let text = '';
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            nodes.push({ node, from: text.length });
            text += node.data;
          }
          const at = text.indexOf(needle);
          if (at < 0) return false;
          const place = offset => {
            const found = nodes.findLast(n => n.from <= offset && offset <= n.from + n.node.data.length);
            return [found.node, offset - found.from];
          };
          const range = document.createRange();
          range.setStart(...place(at));
          range.setEnd(...place(at + needle.length));
          const selection = document.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          return true;
        }
        """;
}
