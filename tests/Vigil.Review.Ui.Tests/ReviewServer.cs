using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.Hashing.Signals;
using Vigil.Review.Evidence;
using Vigil.Server;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Review.Ui.Tests;

/// <summary>
/// A server that reviews: bank SAMPLES holding the bridge photo's PDQ (a benign fixture), the
/// evidence vault under a fresh key file, the real blurred derivatives, decisions feeding CONFIRMED
/// and FALSE_POSITIVES.
/// </summary>
public abstract class ReviewServer : UiServer
{
    /// <summary>The PDQ of tests/fixtures/threatexchange/pdq/data/bridge-mods/aaa-orig.jpg.</summary>
    protected const string BridgePdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    /// <summary>The review options of this server (subclasses shorten the cap, say).</summary>
    protected virtual ReviewOptions Review => new() { ConfirmedBank = "CONFIRMED", FalsePositiveBank = "FALSE_POSITIVES" };

    private readonly TempDirectory _keys = new("vigil-vault-");
    private EvidenceVault? _vault;

    protected override ServerSettings Settings => base.Settings with
    {
        Review = Review,
        EvidenceVault = _vault ??= new EvidenceVault(KeyFileWrapper.Create(_keys.File("vault.key"))),
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _keys.Dispose();
    }

    /// <summary>A benign fixture photo by name (bridge-mods).</summary>
    protected static string Photo(string name) => Fixtures.ThreatExchange($"pdq/data/bridge-mods/{name}");

    protected override async Task SeedAsync(SqliteVigilStore store)
    {
        await store.CreateBankAsync(new NewBank("SAMPLES"));
        await store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Pdq, BridgePdq)]) { Classification = "A1", Source = "fixture-exchange", SourceId = "bridge-1" });
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var (http, _) = Client();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await http.GetAsync("/status")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the index did not load");
            await Task.Delay(20);
        }
    }

    /// <summary>A platform submits a photo for a subject (<c>POST /v1/cases</c>), optionally with the page it was on; returns the case and item ids (null when nothing matched).</summary>
    protected async Task<(long? Case, long? Item)> SubmitAsync(string submitter, string photo, string subject, string mediaType = "image/jpeg",
        string? reason = null, string? url = null)
    {
        var (http, _) = Client();
        using var form = new MultipartFormDataContent();
        var media = new ByteArrayContent(await File.ReadAllBytesAsync(photo));
        media.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        form.Add(media, "media", Path.GetFileName(photo));
        var context = new Dictionary<string, object>
        {
            ["subject"] = subject,
            ["screen_name"] = "synthetic-user",
            ["uploaded_at"] = "2026-12-01T10:00:00Z",
        };
        if (reason is not null)
            context["reason"] = reason;
        if (url is not null)
            context["url"] = url;
        form.Add(new StringContent(JsonSerializer.Serialize(context)), "context");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cases") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", submitter);
        using var response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var json = JsonDocument.Parse(body).RootElement;
        return json.GetProperty("case_id").ValueKind == JsonValueKind.Null
            ? (null, null)
            : (json.GetProperty("case_id").GetInt64(), json.GetProperty("item_id").GetInt64());
    }

    /// <summary>Looks a photo up (<c>POST /m/lookup</c>); returns the names of the banks it matched.</summary>
    protected async Task<IReadOnlyList<string>> LookupAsync(string matcher, string photo)
    {
        var (http, _) = Client();
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(photo)), "photo", Path.GetFileName(photo));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/m/lookup") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", matcher);
        using var response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var banks = new List<string>();
        foreach (var type in JsonDocument.Parse(body).RootElement.EnumerateObject())
        {
            if (type.Value.ValueKind == JsonValueKind.Object)
                banks.AddRange(type.Value.EnumerateObject().Select(b => b.Name));
        }
        return banks.Distinct().ToList();
    }

    /// <summary>Waits until a lookup of the photo satisfies <paramref name="done"/> (the index follows the store within a second).</summary>
    protected async Task<IReadOnlyList<string>> WaitForLookupAsync(string matcher, string photo, Func<IReadOnlyList<string>, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var banks = await LookupAsync(matcher, photo);
            if (done(banks))
                return banks;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the lookup still matched [{string.Join(", ", banks)}]");
            await Task.Delay(100);
        }
    }
}
