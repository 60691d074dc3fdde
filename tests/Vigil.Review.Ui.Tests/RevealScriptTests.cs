using System.Collections.Concurrent;
using Microsoft.Playwright;
using Vigil.Media.Encoders;
using Vigil.Server.ReviewUi;

namespace Vigil.Review.Ui.Tests;

/// <summary>
/// review.js on its own, in the browser, under the UI's real Content Security Policy: a page of two
/// media items served by the test (Playwright's routing), so the reveal, its end and the exposure
/// report are seen request by request. The images are generated flat grey squares.
/// </summary>
[Collection(BrowserCollection.Name)]
public class RevealScriptTests(SharedBrowser shared) : IAsyncLifetime
{
    private const string Origin = "http://ui.test";
    private const string Token = "token-of-the-page";
    private static readonly byte[] Blurred = GrayPngEncoder.Encode(Enumerable.Repeat((byte)128, 64 * 64).ToArray(), 64, 64);
    private static readonly byte[] Clear = GrayPngEncoder.Encode(Enumerable.Repeat((byte)250, 64 * 64).ToArray(), 64, 64);

    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<(string Path, string Body, string? Csrf)> _exposures = new();
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    /// <summary>What the clear view of item 2 answers (null: the clear image).</summary>
    private (int Status, string Body)? _refuseItem2;

    public async Task InitializeAsync()
    {
        _context = await shared.Browser.NewContextAsync();
        _page = await _context.NewPageAsync();
        await _page.RouteAsync(Origin + "/**", RouteAsync);
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Clear_media_is_fetched_only_on_a_reveal_and_ends_when_the_pointer_leaves()
    {
        await OpenAsync();
        Assert.DoesNotContain(_requests, r => r.Contains("/clear", StringComparison.Ordinal));
        Assert.Equal(Origin + "/media/1/blurred", await _page.GetAttributeAsync("#item-1 .view", "src"));

        await _page.HoverAsync("#item-1 button.reveal");
        await _page.ClickAsync("#item-1 button.reveal");
        await _page.WaitForSelectorAsync("#item-1.revealed");
        Assert.StartsWith("blob:", await _page.GetAttributeAsync("#item-1 .view", "src"), StringComparison.Ordinal);
        Assert.Equal(1, _requests.Count(r => r == "GET /media/1/clear"));
        Assert.DoesNotContain(_requests, r => r == "GET /media/2/clear");

        await _page.WaitForTimeoutAsync(300);
        await _page.Mouse.MoveAsync(1, 1);
        await _page.WaitForSelectorAsync("#item-1:not(.revealed)");
        Assert.Equal(Origin + "/media/1/blurred", await _page.GetAttributeAsync("#item-1 .view", "src"));
        var exposure = await ExposureAsync();
        Assert.Equal("/exposure/1", exposure.Path);
        Assert.Equal(Token, exposure.Csrf);
        double seconds = System.Text.Json.JsonDocument.Parse(exposure.Body).RootElement.GetProperty("seconds").GetDouble();
        Assert.InRange(seconds, 0.2, 1.6);
    }

    [Fact]
    public async Task A_keyboard_reveal_ends_by_itself()
    {
        await OpenAsync();
        await _page.FocusAsync("#item-2 button.reveal");
        await _page.Keyboard.PressAsync("r");
        await _page.WaitForSelectorAsync("#item-2.revealed");
        Assert.DoesNotContain(_requests, r => r == "GET /media/1/clear");
        // data-reveal-ms is 1500 here (5 s in the UI's default settings).
        await _page.WaitForSelectorAsync("#item-2:not(.revealed)", new() { Timeout = 4_000 });
        double seconds = System.Text.Json.JsonDocument.Parse((await ExposureAsync()).Body).RootElement.GetProperty("seconds").GetDouble();
        Assert.InRange(seconds, 1.3, 4.0);
    }

    [Fact]
    public async Task One_item_at_a_time()
    {
        await OpenAsync();
        await _page.ClickAsync("#item-1 button.reveal");
        await _page.WaitForSelectorAsync("#item-1.revealed");
        await _page.ClickAsync("#item-2 button.reveal");
        await _page.WaitForSelectorAsync("#item-2.revealed");
        Assert.Equal(1, await _page.Locator(".media.revealed").CountAsync());
        Assert.Equal("/exposure/1", (await ExposureAsync()).Path);
    }

    [Fact]
    public async Task A_refused_reveal_says_why_and_stays_blurred()
    {
        _refuseItem2 = (403, """{"status":403,"title":"daily limit reached","detail":"You have reached today's limit of clear media."}""");
        await OpenAsync();
        await _page.ClickAsync("#item-2 button.reveal");
        await _page.WaitForSelectorAsync("#item-2 .media-note");
        Assert.Equal("You have reached today's limit of clear media.", await _page.TextContentAsync("#item-2 .media-note"));
        Assert.Equal(Origin + "/media/2/blurred", await _page.GetAttributeAsync("#item-2 .view", "src"));
        await _page.WaitForTimeoutAsync(200);
        Assert.Empty(_exposures);
    }

    [Fact]
    public async Task Shortcut_keys_press_their_buttons_but_not_while_typing()
    {
        await OpenAsync();
        await _page.Keyboard.PressAsync("n");
        await _page.WaitForURLAsync("**#not-abuse");
        await _page.FocusAsync("#note");
        await _page.Keyboard.PressAsync("e");
        Assert.EndsWith("#not-abuse", _page.Url, StringComparison.Ordinal);
        await _page.Locator("#note").BlurAsync();
        await _page.Keyboard.PressAsync("e");
        await _page.WaitForURLAsync("**#escalate");
    }

    private async Task OpenAsync()
    {
        await _page.GotoAsync(Origin + "/review/harness");
        await _page.WaitForFunctionAsync("document.readyState === 'complete'");
    }

    private async Task<(string Path, string Body, string? Csrf)> ExposureAsync()
    {
        for (int i = 0; i < 100 && _exposures.IsEmpty; i++)
            await Task.Delay(50);
        Assert.True(_exposures.TryDequeue(out var exposure), "no exposure was reported");
        return exposure;
    }

    private async Task RouteAsync(IRoute route)
    {
        var request = route.Request;
        string path = new Uri(request.Url).AbsolutePath;
        _requests.Enqueue($"{request.Method} {path}");
        var headers = new Dictionary<string, string> { ["Content-Security-Policy"] = ReviewPage.ContentSecurityPolicy };
        switch (path)
        {
            case "/review/harness":
                await route.FulfillAsync(new() { Status = 200, ContentType = "text/html; charset=utf-8", Headers = headers, Body = Page });
                break;
            case "/review/static/review.js":
                await route.FulfillAsync(new() { Status = 200, ContentType = "text/javascript", Headers = headers, BodyBytes = ReviewPage.Assets["review.js"].Bytes });
                break;
            case "/media/2/clear" when _refuseItem2 is { } refusal:
                await route.FulfillAsync(new() { Status = refusal.Status, ContentType = "application/problem+json", Body = refusal.Body });
                break;
            case "/media/1/clear" or "/media/2/clear":
                await route.FulfillAsync(new() { Status = 200, ContentType = "image/png", BodyBytes = Clear });
                break;
            case "/media/1/blurred" or "/media/2/blurred":
                await route.FulfillAsync(new() { Status = 200, ContentType = "image/png", BodyBytes = Blurred });
                break;
            case "/exposure/1" or "/exposure/2":
                _exposures.Enqueue((path, request.PostData ?? "", await request.HeaderValueAsync("x-csrf-token")));
                await route.FulfillAsync(new() { Status = 204 });
                break;
            default:
                await route.FulfillAsync(new() { Status = 404 });
                break;
        }
    }

    private static readonly string Page = $"""
        <!doctype html>
        <html><head><meta charset="utf-8"><meta name="csrf-token" content="{Token}">
        <script src="/review/static/review.js" defer></script></head>
        <body>
        <figure class="media" id="item-1" data-clear="/media/1/clear" data-blurred="{Origin}/media/1/blurred" data-exposure="/exposure/1" data-reveal-ms="1500">
          <img class="view" src="{Origin}/media/1/blurred" alt="" width="200" height="200">
          <figcaption><button type="button" class="reveal">Reveal</button></figcaption>
        </figure>
        <figure class="media" id="item-2" data-clear="/media/2/clear" data-blurred="{Origin}/media/2/blurred" data-exposure="/exposure/2" data-reveal-ms="1500">
          <img class="view" src="{Origin}/media/2/blurred" alt="" width="200" height="200">
          <figcaption><button type="button" class="reveal">Reveal</button></figcaption>
        </figure>
        <a data-key="n" href="#not-abuse">Not abuse <kbd>n</kbd></a>
        <a data-key="e" href="#escalate">Escalate <kbd>e</kbd></a>
        <textarea id="note"></textarea>
        </body></html>
        """;
}
