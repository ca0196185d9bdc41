using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaimTracker.Api.Curators;
using ClaimTracker.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClaimTracker.Tests.Browser;

/// <summary>
/// The web page judged by axe-core (Deque's engine, as shipped in its NuGet package) on every view and form, with
/// and without a curator key, and used with the keyboard alone: Tab and Shift+Tab reach every control in order with
/// the focus visible, and Enter, Space, the arrows and Escape operate them.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class AccessibilityTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    private const string April = "No Sign of US Withdrawal from Iraq After PM Visits Washington";

    private Task<WebPage> OpenAsync() => chromium.OpenAsync(api.CreateClient().BaseAddress!);

    private async Task<string> NewKeyAsync() => (await ApiKeys.CreateAsync(api.Db, $"a11y-curator-{Samples.Unique()}")).Key;

    private async Task<long> AprilAsync()
    {
        var sources = await api.CreateClient().GetJsonAsync("/sources?limit=200");
        return sources.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("title").GetString() == April).GetProperty("id").GetInt64();
    }

    /// <summary>Every view of the page (the reader at an article of the seed), by URL.</summary>
    private async Task<(string Name, string Url)[]> ViewsAsync()
    {
        var april = await AprilAsync();
        return
        [
            ("start page", "/"),
            ("figure look-up, empty", "/?view=figures"),
            ("figure look-up, 2,500", "/?view=figures&value=2500"),
            ("figure look-up, a refused figure", "/?view=figures&value=lots"),
            ("reader", $"/?view=reader&source={april}"),
            ("claims table", "/?view=claims"),
            ("claims table, filtered", "/?view=claims&property=troop_count&subject=US%20forces%20in%20Iraq"),
            ("conflicts board", "/?view=conflicts"),
            ("conflicts board, resolved", "/?view=conflicts&status=resolved"),
            ("conflicts board, possible only", "/?view=conflicts&certainty=possible"),
            ("timeline", "/?view=timeline&subject=US%20military%20presence%20in%20Iraq"),
            ("unknown view", "/?view=nowhere"),
        ];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Axe_finds_no_serious_or_critical_violation_on_any_view_or_form(bool withKey)
    {
        await using var web = await OpenAsync();
        var page = web.Page;
        var found = new List<string>();
        await web.GotoAsync("/");
        if (withKey) await web.EnterKeyAsync(await NewKeyAsync());

        foreach (var (name, url) in await ViewsAsync())
        {
            await web.GotoAsync(url);
            found.AddRange(await AxeAsync(page, name));
        }

        // The reader with a claim card open, and with words selected for a new claim.
        var april = await AprilAsync();
        await web.GotoAsync($"/?view=reader&source={april}");
        await page.Locator("mark.hl[tabindex='0']", new() { HasText = "The US has about 2,500 troops in Iraq" }).ClickAsync();
        await Expect(page.Locator("#claim-panel .claim-card")).ToHaveCountAsync(1);
        found.AddRange(await AxeAsync(page, "reader, claim card open"));
        Assert.True(await page.EvaluateAsync<bool>(Selections.SelectText, "Iraqi Prime Minister"));
        await Expect(page.Locator(".selection-bar")).ToBeVisibleAsync();
        found.AddRange(await AxeAsync(page, "reader, words selected"));

        // The curator key dialog.
        await page.Locator("#key-button").ClickAsync();
        found.AddRange(await AxeAsync(page, "key dialog"));
        await page.Keyboard.PressAsync("Escape");

        // A refused resolution, in words (422 with a key; without one the key dialog is asked for instead).
        await web.GotoAsync("/?view=conflicts");
        await page.Locator("article.conflict").First.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        if (withKey)
        {
            await Expect(page.Locator("article.conflict .problem")).ToBeVisibleAsync();
            found.AddRange(await AxeAsync(page, "conflicts board, a refused resolution"));
        }
        else
        {
            await Expect(page.Locator("#key-dialog")).ToBeVisibleAsync();
            found.AddRange(await AxeAsync(page, "key dialog asked for by a write"));
            await page.Keyboard.PressAsync("Escape");
        }

        if (withKey)
        {
            // The curating forms: a new source, and a new claim of each kind of value.
            await web.GotoAsync($"/?view=reader&source={april}");
            await page.GetByRole(AriaRole.Button, new() { Name = "+ Add source" }).ClickAsync();
            await Expect(page.Locator("dialog.form-dialog[open]")).ToBeVisibleAsync();
            found.AddRange(await AxeAsync(page, "source form"));
            await page.Keyboard.PressAsync("Escape");

            Assert.True(await page.EvaluateAsync<bool>(Selections.SelectText, "2,500 troops"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Create a claim from this passage…" }).ClickAsync();
            var form = page.Locator("dialog.form-dialog[open]");
            await Expect(form).ToBeVisibleAsync();
            found.AddRange(await AxeAsync(page, "claim form"));
            foreach (var property in new[] { "troop_count", "deadline", "position", "statement" })
            {
                await form.GetByLabel("Property").SelectOptionAsync(property);
                await form.GetByLabel("Subject: what the claim is about").FillAsync($"A new subject {Samples.Unique()}");
                found.AddRange(await AxeAsync(page, $"claim form, {property}"));
            }
            await form.GetByLabel("Property").SelectOptionAsync("troop_count");
            await form.GetByLabel("Amount").FillAsync("lots");
            await form.GetByRole(AriaRole.Button, new() { Name = "Create claim" }).ClickAsync();
            await Expect(form.Locator(".problem")).ToBeVisibleAsync();
            found.AddRange(await AxeAsync(page, "claim form, a refused amount"));
            await page.Keyboard.PressAsync("Escape");
        }

        Assert.True(found.Count == 0, $"axe-core found {found.Count} serious or critical violations:\n" + string.Join("\n", found));
        web.AssertNoErrors(apiErrors: true);
    }

    /// <summary>axe-core's serious and critical violations on the page as it stands, one line per rule and element.</summary>
    internal static async Task<List<string>> AxeAsync(IPage page, string where)
    {
        // Every rule runs; only the violations come back with their elements (the rest would be a large answer to read).
        var result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        var lines = new List<string>();
        foreach (var rule in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            foreach (var node in rule.Nodes)
            {
                lines.Add($"[{where}] {rule.Id} ({rule.Impact}): {rule.Help}. {Selector(node)}: {Shorten(node.Html)}");
            }
        }
        return lines;
    }

    private static string Selector(AxeResultNode node) => node.Target?.ToString() ?? "?";

    private static string Shorten(string? html) => html is null ? "" : html.Length <= 160 ? html : html[..160] + "…";

    // ---- the keyboard

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tab_and_shift_tab_reach_every_control_of_every_view_in_order_with_the_focus_visible(bool withKey)
    {
        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync("/");
        if (withKey) await web.EnterKeyAsync(await NewKeyAsync());
        var problems = new List<string>();

        foreach (var (name, url) in await ViewsAsync())
        {
            await web.GotoAsync(url);
            problems.AddRange(await WalkAsync(page, name));
        }
        var april = await AprilAsync();
        await web.GotoAsync($"/?view=reader&source={april}");
        await page.Locator("mark.hl[tabindex='0']").First.ClickAsync();
        await Expect(page.Locator("#claim-panel .claim-card").First).ToBeVisibleAsync();
        problems.AddRange(await WalkAsync(page, "reader, claim card open"));

        await page.Locator("#key-button").ClickAsync();
        problems.AddRange(await WalkAsync(page, "key dialog"));
        await page.Keyboard.PressAsync("Escape");

        if (withKey)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "+ Add source" }).ClickAsync();
            problems.AddRange(await WalkAsync(page, "source form"));
            await page.Keyboard.PressAsync("Escape");
            Assert.True(await page.EvaluateAsync<bool>(Selections.SelectText, "2,500 troops"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Create a claim from this passage…" }).ClickAsync();
            await page.Locator("dialog.form-dialog[open]").GetByLabel("Property").SelectOptionAsync("troop_count");
            problems.AddRange(await WalkAsync(page, "claim form"));
            await page.Keyboard.PressAsync("Escape");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        web.AssertNoErrors(apiErrors: true);
    }

    [Fact]
    public async Task The_keyboard_alone_skips_to_the_content_changes_view_and_enters_and_forgets_a_key()
    {
        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync("/?view=claims");
        await FocusTopAsync(page);

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(".skip-link")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#main")).ToBeFocusedAsync();

        await FocusTopAsync(page);
        var timeline = page.Locator(".nav a", new() { HasText = "Timeline" });
        await TabToAsync(page, timeline);
        await page.Keyboard.PressAsync("Enter");
        await web.ViewReadyAsync("timeline");
        await Expect(timeline).ToHaveAttributeAsync("aria-current", "page");
        // The new view takes the focus, so the next Tab starts in it.
        await Expect(page.Locator("#main")).ToBeFocusedAsync();

        var keyButton = page.Locator("#key-button");
        await FocusTopAsync(page);
        await TabToAsync(page, keyButton);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#key-input")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#key-dialog")).Not.ToBeVisibleAsync();
        await Expect(keyButton).ToBeFocusedAsync();
        await Expect(page.Locator("#key-label")).ToHaveTextAsync("Curator key");

        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.TypeAsync(await NewKeyAsync());
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#key-label")).ToHaveTextAsync("Curator key set");
        await Expect(keyButton).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Enter");
        await TabToAsync(page, page.Locator("#key-forget"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#key-label")).ToHaveTextAsync("Curator key");
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_keyboard_alone_looks_up_a_figure_filters_the_claims_and_picks_a_timeline()
    {
        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync("/");
        // The start page puts the focus in the figure field.
        await Expect(page.Locator("#home-figure")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("2,500");
        await page.Keyboard.PressAsync("Enter");
        await web.ViewReadyAsync("figures");
        await Expect(page).ToHaveURLAsync(new Regex(@"view=figures&value=2%2C500$"));
        await Expect(page.Locator(".result-summary")).ToContainTextAsync("support 2,500");

        await web.GotoAsync("/?view=claims");
        await FocusTopAsync(page);
        var reuters = page.Locator(".facet[data-facet='asserted_by'] .facet-value", new() { HasText = "Reuters" });
        await TabToAsync(page, reuters);
        await page.Keyboard.PressAsync("Enter");
        await web.ViewReadyAsync("claims");
        await Expect(page).ToHaveURLAsync(new Regex("asserted_by=\\d+"));
        await Expect(page.Locator(".active-filters")).ToContainTextAsync("Reuters");
        await FocusTopAsync(page);
        await TabToAsync(page, page.Locator("#claims-q"));
        await page.Keyboard.TypeAsync("withdrawal");
        await page.Keyboard.PressAsync("Enter");
        await web.ViewReadyAsync("claims");
        await Expect(page).ToHaveURLAsync(new Regex("q=withdrawal"));
        await FocusTopAsync(page);
        await TabToAsync(page, page.Locator(".chip-remove").First);
        await page.Keyboard.PressAsync("Enter");
        await web.ViewReadyAsync("claims");
        await Expect(page.Locator(".filter-chip")).ToHaveCountAsync(1);

        await web.GotoAsync("/?view=timeline&subject=US%20military%20presence%20in%20Iraq");
        await FocusTopAsync(page);
        var picker = page.Locator("#timeline-subject");
        await TabToAsync(page, picker);
        var before = await picker.InputValueAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await web.ViewReadyAsync("timeline");
        await Expect(picker).Not.ToHaveValueAsync(before);
        Assert.Contains("subject=", page.Url);
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_keyboard_alone_opens_a_claim_card_closes_it_with_escape_and_changes_article()
    {
        var april = await AprilAsync();
        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync($"/?view=reader&source={april}");
        await FocusTopAsync(page);

        var mark = page.Locator("mark.hl[tabindex='0']", new() { HasText = "The US has about 2,500 troops in Iraq" });
        await TabToAsync(page, mark);
        await page.Keyboard.PressAsync("Enter");
        var card = page.Locator("#claim-panel .claim-card");
        await Expect(card.Locator(".value-main")).ToHaveTextAsync("about 2,500 troops");
        await Expect(mark).ToHaveAttributeAsync("aria-pressed", "true");

        // From the card's close button, Escape closes it and the focus goes back to the passage.
        await TabToAsync(page, page.Locator("#claim-panel .close-button"));
        await page.Keyboard.PressAsync("Escape");
        await Expect(card).ToHaveCountAsync(0);
        await Expect(mark).ToBeFocusedAsync();
        await Expect(mark).ToHaveAttributeAsync("aria-pressed", "false");

        // The claim index opens a card too; Enter on the close button closes it.
        await TabToAsync(page, page.Locator(".claim-index button").First);
        await page.Keyboard.PressAsync("Enter");
        await Expect(card.First).ToBeVisibleAsync();
        await TabToAsync(page, page.Locator("#claim-panel .close-button"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(card).ToHaveCountAsync(0);

        await FocusTopAsync(page);
        var picker = page.Locator("#source-picker");
        await TabToAsync(page, picker);
        await page.Keyboard.PressAsync("ArrowDown");
        await web.ViewReadyAsync("reader");
        await Expect(page.Locator("#article-title")).Not.ToHaveTextAsync(April);
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_keyboard_alone_settles_a_conflict_asking_for_a_key_first()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var b = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000, statedAs = "3,000 US troops" }),
            ("assertedBy", world.Asserter), ("evidence", world.Evidence("3,000 US troops remained")));
        var conflictId = b.GetProperty("conflicts")[0].GetProperty("id").GetInt64();
        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync($"/?view=conflicts&conflict={conflictId}");
        var conflict = page.Locator($"#conflict-{conflictId}");
        await FocusTopAsync(page);

        await TabToAsync(page, conflict.GetByLabel("Note (needed to resolve)"));
        await page.Keyboard.TypeAsync("The later count is the better supported.");
        // The radios are one tab stop; the arrows choose within them.
        await TabToAsync(page, conflict.Locator("input[type=radio]:checked"));
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(conflict.GetByRole(AriaRole.Radio, new() { Name = $"B: {world.Asserter}" })).ToBeCheckedAsync();
        await TabToAsync(page, conflict.GetByRole(AriaRole.Button, new() { Name = "Resolve" }));
        await page.Keyboard.PressAsync("Enter");

        // No key yet: the dialog asks for one, and saving it carries the resolution out.
        await Expect(page.Locator("#key-input")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(await NewKeyAsync());
        await page.Keyboard.PressAsync("Enter");
        await Expect(conflict.Locator(".conflict-meta .badge")).ToHaveTextAsync("resolved");
        await Expect(conflict.Locator(".flash")).ToContainTextAsync("Resolved.");
        var stored = await api.CreateClient().GetJsonAsync($"/conflicts/{conflictId}");
        Assert.Equal("resolved", stored.GetProperty("status").GetString());
        Assert.Equal(stored.GetProperty("claims")[1].GetProperty("id").GetInt64(), stored.GetProperty("preferredClaimId").GetInt64());
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_keyboard_alone_fills_the_source_form_and_cancels_the_claim_form_with_escape()
    {
        var april = await AprilAsync();
        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync($"/?view=reader&source={april}");
        await web.EnterKeyAsync(await NewKeyAsync());
        await FocusTopAsync(page);

        var add = page.GetByRole(AriaRole.Button, new() { Name = "+ Add source" });
        await TabToAsync(page, add);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator("dialog.form-dialog[open]");
        await Expect(dialog.GetByLabel("Title")).ToBeFocusedAsync();
        var title = $"Keyboard report {Samples.Unique()}";
        await page.Keyboard.TypeAsync(title);
        await TabToAsync(page, dialog.GetByLabel("Outlet"));
        await page.Keyboard.TypeAsync("Test Wire");
        await TabToAsync(page, dialog.GetByLabel("Text"));
        await page.Keyboard.TypeAsync($"An invented report for the keyboard test: 1,200 troops arrived. [{Samples.Unique()}]");
        await TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Add source" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#article-title")).ToHaveTextAsync(title);

        // Words selected (as caret browsing, F7, lets a keyboard user do), then the claim form from the bar.
        Assert.True(await page.EvaluateAsync<bool>(Selections.SelectText, "1,200 troops arrived"));
        await FocusTopAsync(page);
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Create a claim from this passage…" }));
        await page.Keyboard.PressAsync("Enter");
        var form = page.Locator("dialog.form-dialog[open]");
        await Expect(form.GetByLabel("Subject: what the claim is about")).ToBeFocusedAsync();
        await TabToAsync(page, form.GetByLabel("Property"));
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(form.GetByLabel("Property")).Not.ToHaveValueAsync("");
        await page.Keyboard.PressAsync("Escape");
        await Expect(form).ToHaveCountAsync(0);
        web.AssertNoErrors();
    }

    // ---- walking with the keyboard

    /// <summary>Moves the start of sequential focus navigation to the top of the document, or of the open modal dialog.</summary>
    internal static Task FocusTopAsync(IPage page) => page.EvaluateAsync("""
        () => {
          const root = document.querySelector('dialog[open]') || document.documentElement;
          const had = root.getAttribute('tabindex');
          root.setAttribute('tabindex', '-1');
          root.focus({ preventScroll: true });
          if (had === null) root.removeAttribute('tabindex'); else root.setAttribute('tabindex', had);
        }
        """);

    /// <summary>Presses Tab until the element has the focus (at most 200 times).</summary>
    internal static async Task TabToAsync(IPage page, ILocator target)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement")) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached {target}.");
    }

    /// <summary>
    /// Tabs from the top of the document (or of the open modal dialog) to the end, then back with Shift+Tab: every
    /// control must be reached once, in the same order both ways, each with a visible focus indicator.
    /// </summary>
    internal static async Task<List<string>> WalkAsync(IPage page, string where)
    {
        var expected = await page.EvaluateAsync<string[]>(MarkControls);
        await FocusTopAsync(page);
        var forward = new List<Stop>();
        for (var i = 0; i < expected.Length + 20; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = await page.EvaluateAsync<Stop?>(Focused);
            if (stop is null || forward.Any(s => s.Id == stop.Id)) break;
            forward.Add(stop);
        }
        var backward = new List<Stop>();
        if (forward.Count > 1)
        {
            // From the last control (the walk above went one Tab past it), back to the first.
            await page.EvaluateAsync("id => [...document.querySelectorAll('[data-kb]')].find(e => e.dataset.kb === id).focus()", forward[^1].Id);
            for (var i = 0; i < forward.Count - 1; i++)
            {
                await page.Keyboard.PressAsync("Shift+Tab");
                var stop = await page.EvaluateAsync<Stop?>(Focused);
                if (stop is null) break;
                backward.Add(stop);
            }
        }

        var problems = new List<string>();
        var reached = forward.Select(s => s.Id).ToHashSet();
        foreach (var missed in expected.Where(id => !reached.Contains(id)))
        {
            problems.Add($"[{where}] Tab never reaches {missed}");
        }
        foreach (var stop in forward.Where(s => !s.Visible))
        {
            problems.Add($"[{where}] no visible focus on {stop.Id}");
        }
        var back = forward.Select(s => s.Id).Reverse().Skip(1).ToList();
        if (!back.SequenceEqual(backward.Select(s => s.Id)))
        {
            problems.Add($"[{where}] Shift+Tab does not retrace Tab: forward {string.Join(" → ", forward.Select(s => s.Id))}; " +
                         $"backward {string.Join(" → ", backward.Select(s => s.Id))}");
        }
        return problems;
    }

    public sealed class Stop
    {
        public string Id { get; set; } = "";
        public bool Visible { get; set; }
    }

    /// <summary>
    /// Names every control a keyboard user must reach (visible, enabled, not inert; inside the modal dialog when one
    /// is open; one stop per radio group) by its role and label, so that a missed one is named in words.
    /// </summary>
    private const string MarkControls = """
        () => {
          for (const e of document.querySelectorAll('[data-kb]')) delete e.dataset.kb;
          const scope = document.querySelector('dialog[open]') || document;
          const controls = [...scope.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
            .filter(e => !e.disabled && e.tabIndex >= 0 && e.type !== 'hidden' && e.getClientRects().length > 0
              && getComputedStyle(e).visibility !== 'hidden' && !e.closest('[inert]')
              && (scope !== document || !e.closest('dialog')));
          const names = new Map();
          const ids = [];
          for (const e of controls) {
            const label = (e.type === 'radio' ? `radio group ${e.name}` : (e.getAttribute('aria-label') || e.labels?.[0]?.textContent
              || e.textContent || e.getAttribute('placeholder') || e.id || '')).replace(/\s+/g, ' ').trim().slice(0, 60);
            let id = `${e.localName}${e.type === 'radio' ? '' : e.type && e.localName === 'input' ? `[${e.type}]` : ''} “${label}”`;
            if (e.type === 'radio') {
              const group = controls.find(x => x.type === 'radio' && x.name === e.name);
              if (group !== e) { e.dataset.kb = group.dataset.kb; continue; }
            }
            const n = (names.get(id) || 0) + 1;
            names.set(id, n);
            if (n > 1) id += ` #${n}`;
            e.dataset.kb = id;
            ids.push(id);
          }
          return ids;
        }
        """;

    /// <summary>The focused control's name (null on the document itself) and whether its focus shows.</summary>
    private const string Focused = """
        () => {
          const e = document.activeElement;
          if (!e || e === document.body || e === document.documentElement) return null;
          const s = getComputedStyle(e);
          const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
          const ring = s.boxShadow && s.boxShadow !== 'none';
          const r = e.getBoundingClientRect();
          const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
          return { id: e.dataset.kb || `${e.localName} (not a control the page lists) ${e.outerHTML.slice(0, 80)}`, visible: (outline || ring) && onScreen };
        }
        """;
}
