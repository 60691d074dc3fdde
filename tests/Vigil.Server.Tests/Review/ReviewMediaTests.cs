using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Vigil.Review;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests.Review;

/// <summary>
/// Media of case items through the service with an evidence vault: sealed at rest (neither the database files nor
/// the process's temp directory hold plaintext), blurred greyscale by default, clear only when asked (audited and
/// charged to exposure), and nothing at all once the reviewer's daily cap is reached.
/// </summary>
[Collection(ProcessTempDirectoryCollection.Name)]
public sealed class ReviewMediaTests : LiveServerTest
{
    private readonly TempDirectory _keys = new("vigil-vault-");
    // The server's temp directory for the test (TMPDIR), fresh and empty, so that what the server writes there can be searched.
    private readonly TempDirectory _temp = new("vigil-tmpdir-");
    private string? _tmpdirBefore;
    private string? _aspNetTempBefore;
    private EvidenceVault? _vault;

    private static string Bridge => Fixtures.ThreatExchange("pdq/data/bridge-mods/aaa-orig.jpg");

    protected override ServerSettings Settings => base.Settings with
    {
        EvidenceVault = _vault ??= new EvidenceVault(KeyFileWrapper.Create(_keys.File("vault.key"))),
        // Two clear views fit in the cap (5 s each); the third is refused.
        Review = new ReviewOptions { DailyExposureCap = TimeSpan.FromSeconds(10) },
    };

    private async Task<(long Case, long Item)> SubmitPhotoAsync(string key, byte[] photo)
    {
        var form = new MultipartFormDataContent("vigil-test-boundary");
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "media", "holiday.jpg");
        form.Add(new StringContent("""{"subject":"user-7","ip":"203.0.113.9"}""", Encoding.UTF8, "application/json"), "context");
        var response = await SendContentAsync(HttpMethod.Post, "/v1/cases", key, form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await JsonAsync(response);
        return (body.GetProperty("case_id").GetInt64(), body.GetProperty("item_id").GetInt64());
    }

    protected override Task BeforeServerStartsAsync()
    {
        // TMPDIR for Path.GetTempPath and child processes (ffmpeg), ASPNETCORE_TEMP for ASP.NET Core's request buffering.
        _tmpdirBefore = Environment.GetEnvironmentVariable("TMPDIR");
        _aspNetTempBefore = Environment.GetEnvironmentVariable("ASPNETCORE_TEMP");
        Environment.SetEnvironmentVariable("TMPDIR", _temp.Path);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEMP", _temp.Path);
        Assert.Equal(_temp.Path, Path.TrimEndingDirectorySeparator(Path.GetTempPath()));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_image_submitted_and_viewed_over_http_leaves_no_plaintext_in_the_database_files_or_the_temp_directory()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        byte[] photo = await File.ReadAllBytesAsync(Bridge);
        var (caseId, itemId) = await SubmitPhotoAsync(submitter, photo);
        // Shown both ways too: making the blurred derivative and serving the clear bytes must not spill either.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media", reviewer)).StatusCode);
        Assert.Equal(photo, await (await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media?view=clear", reviewer)).Content.ReadAsByteArrayAsync());

        // A 64-byte window every 4 KiB: any spilled run of the photo longer than 4 KiB + 64 bytes holds one.
        var plaintext = Windows(photo);
        string databaseFiles = Path.GetDirectoryName(DatabasePath)!;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Empty(FilesHolding(databaseFiles, plaintext));
        Assert.Empty(FilesHolding(_temp.Path, plaintext));

        // Controls, so that the searches above cannot pass by looking in the wrong place: the database files do hold the
        // sealed photo, and part of the photo written to the temp directory is found.
        var stored = await Store.Cases.GetItemMediaAsync(caseId, itemId);
        Assert.Equal(photo.Length, stored!.Length);
        Assert.NotEmpty(FilesHolding(databaseFiles, Windows(stored.Ciphertext)));
        string spilled = Path.Combine(_temp.Path, "spill", "part.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(spilled)!);
        await File.WriteAllBytesAsync(spilled, photo[100_001..(100_001 + 8192)]);
        Assert.Equal([spilled], FilesHolding(_temp.Path, plaintext));
    }

    private static List<byte[]> Windows(byte[] bytes)
    {
        var windows = new List<byte[]>();
        for (int at = 0; at + 64 <= bytes.Length; at += 4096)
            windows.Add(bytes[at..(at + 64)]);
        return windows;
    }

    /// <summary>Every file under <paramref name="directory"/> (recursively) holding any of <paramref name="windows"/>.</summary>
    private static List<string> FilesHolding(string directory, List<byte[]> windows)
    {
        var found = new List<string>();
        foreach (string path in Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            byte[] raw = File.ReadAllBytes(path);
            if (windows.Exists(w => raw.AsSpan().IndexOf(w) >= 0))
                found.Add(path);
        }
        return found;
    }

    [Fact]
    public async Task Media_is_blurred_by_default_and_clear_only_when_asked_within_the_cap()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        byte[] photo = await File.ReadAllBytesAsync(Bridge);
        var (caseId, itemId) = await SubmitPhotoAsync(submitter, photo);

        var item = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}", reviewer))).GetProperty("items")[0];
        Assert.Equal((true, "image/jpeg", "holiday.jpg"), (item.GetProperty("has_media").GetBoolean(), item.GetProperty("media_type").GetString(),
            item.GetProperty("context").GetProperty("file_name").GetString()));
        Assert.Equal("md5", item.GetProperty("signals").EnumerateObject().Last().Name);

        // Blurred (the default view): a greyscale PNG derivative, never the photo.
        var blurred = await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media", reviewer);
        Assert.Equal((HttpStatusCode.OK, "image/png"), (blurred.StatusCode, blurred.Content.Headers.ContentType?.MediaType));
        using (var decoder = new Vigil.Media.ImageDecoder())
        using (var image = decoder.Decode(await blurred.Content.ReadAsByteArrayAsync()))
        {
            Assert.True(image.Width <= 480 && image.Height <= 480);
            var pixels = image.Pixels.ToArray();
            for (int p = 0; p < pixels.Length; p += 3)
                Assert.True(pixels[p] == pixels[p + 1] && pixels[p + 1] == pixels[p + 2], "the derivative is not greyscale");
        }
        Assert.Equal(0, (await Store.Cases.GetExposureAsync(ReviewerName(reviewer), Today())).Seconds);

        // Clear: the exact bytes, audited before they are sent, charged 5 s of exposure, and the item marked viewed.
        var clear = await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media?view=clear", reviewer);
        Assert.Equal(photo, await clear.Content.ReadAsByteArrayAsync());
        Assert.Equal("no-store", clear.Headers.CacheControl?.ToString());
        var views = new List<AuditEntry>();
        await foreach (var e in Store.ReadAuditAsync())
        {
            if (e.Action == "case.media.view")
                views.Add(e);
        }
        Assert.Equal(["blurred", "clear"], views.Select(v => v.DetailJson!.Contains("clear") ? "clear" : "blurred"));
        Assert.All(views, v => Assert.Equal(($"case/{caseId}/item/{itemId}", ReviewerName(reviewer)), (v.Subject, v.Actor)));
        Assert.Equal((5.0, 1L), await ExposureAsync(reviewer));
        Assert.True((await Store.Cases.GetCaseAsync(caseId))!.Items[0].ViewedClear);

        // A second clear view reaches the cap; after it nothing is served to this reviewer today, blurred or clear.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media?view=clear", reviewer)).StatusCode);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media?view=clear", reviewer), HttpStatusCode.Forbidden,
            "daily exposure cap reached");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media", reviewer), HttpStatusCode.Forbidden);
        // Another reviewer still sees it.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media", await KeyAsync(ApiKeyRole.Reviewer))).StatusCode);
    }

    [Fact]
    public async Task Undecodable_media_still_matches_by_its_md5_and_its_blurred_view_is_a_clear_4xx()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), curator = await KeyAsync(ApiKeyRole.Curator), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        byte[] junk = Encoding.ASCII.GetBytes("not an image at all, but its md5 is banked");
        string md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(junk));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/c/bank/SAMPLES/signal", curator, $$"""{"md5":"{{md5}}"}""")).StatusCode);
        var form = new MultipartFormDataContent("b");
        var file = new ByteArrayContent(junk);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "media", "x.jpg");
        form.Add(new StringContent("""{"subject":"u"}"""), "context");
        var response = await SendContentAsync(HttpMethod.Post, "/v1/cases", submitter, form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await JsonAsync(response);
        long caseId = body.GetProperty("case_id").GetInt64(), itemId = body.GetProperty("item_id").GetInt64();
        Assert.Equal("md5", body.GetProperty("matches")[0].GetProperty("signal_type").GetString());
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media", reviewer), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(junk, await (await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{itemId}/media?view=clear", reviewer)).Content.ReadAsByteArrayAsync());

        // The same junk matching nothing is the decoder's 4xx, and nothing is stored.
        var unmatched = new MultipartFormDataContent("b");
        var other = new ByteArrayContent([.. junk, 1]);
        other.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        unmatched.Add(other, "media", "y.jpg");
        unmatched.Add(new StringContent("""{"subject":"u2"}"""), "context");
        var refused = await SendContentAsync(HttpMethod.Post, "/v1/cases", submitter, unmatched);
        Assert.True((int)refused.StatusCode is >= 400 and < 500, $"{(int)refused.StatusCode}");
        Assert.Single(await Store.Cases.ListCasesAsync(null, 0, 10));
    }

    private async Task<(double, long)> ExposureAsync(string key)
    {
        var e = await Store.Cases.GetExposureAsync(ReviewerName(key), Today());
        return (e.Seconds, e.ClearViews);
    }

    private string ReviewerName(string key) => Store.FindApiKeyAsync(ApiKeySecrets.Hash(key)).GetAwaiter().GetResult()!.Name;

    private static DateOnly Today() => DateOnly.FromDateTime(DateTime.UtcNow);

    protected override Task AfterServerStopsAsync()
    {
        Environment.SetEnvironmentVariable("TMPDIR", _tmpdirBefore);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEMP", _aspNetTempBefore);
        _temp.Dispose();
        _keys.Dispose();
        return Task.CompletedTask;
    }
}
