using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Hashing.Signals;
using Vigil.Media.Processing;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// The bank side of robust matching through review: a photo submitted to <c>POST /v1/cases</c> is stored with its own
/// hashes only; a reviewer's confirmation makes the crops a bank stores from the vault's copy and puts them in the
/// confirmed bank with the photo's hash, and the next cropped copy then matches it by <c>POST /m/lookup?robust=true</c>
/// (and not by a plain lookup).
/// </summary>
public sealed class ConfirmedCropTests : LiveServerTest
{
    private readonly TempDirectory _keys = new("vigil-vault-");
    private EvidenceVault? _vault;

    protected override Task AfterServerStopsAsync()
    {
        _keys.Dispose();
        return Task.CompletedTask;
    }

    protected override ServerSettings Settings => base.Settings with
    {
        EvidenceVault = _vault ??= new EvidenceVault(KeyFileWrapper.Create(_keys.File("vault.key"))),
        Review = new Vigil.Review.ReviewOptions { ConfirmedBank = "CONFIRMED" },
    };

    [Fact]
    public async Task A_confirmed_photos_crops_feed_the_bank_and_the_next_cropped_copy_matches_robustly()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer), matcher = await KeyAsync(ApiKeyRole.Matcher);
        byte[] photo = MediaFixtures.Bytes(MediaFixtures.Bridge);
        byte[] cropped;
        using (var decoder = new Vigil.Media.ImageDecoder())
        using (var image = decoder.Decode(photo))
        using (var crop = ImageEdits.Crop(image, image.Width / 10, image.Height / 10, image.Width - image.Width / 10, image.Height - image.Height / 10))
            cropped = Vigil.Media.Encoders.RgbPngEncoder.Encode(crop.Pixels, crop.Width, crop.Height);

        var form = new MultipartFormDataContent("vigil-test-boundary");
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "media", "upload.jpg");
        form.Add(new StringContent("""{"subject":"user-crops"}""", Encoding.UTF8, "application/json"), "context");
        var opened = await SendContentAsync(HttpMethod.Post, "/v1/cases", submitter, form);
        Assert.True(opened.StatusCode == HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        var body = await JsonAsync(opened);
        long caseId = body.GetProperty("case_id").GetInt64(), itemId = body.GetProperty("item_id").GetInt64();

        // The item holds its own hashes only: intake is one decode and one hash.
        var shown = await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}", reviewer));
        var signals = shown.GetProperty("items")[0].GetProperty("signals");
        Assert.Equal(["md5", "pdq"], signals.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal([SignalType.Md5, SignalType.Pdq], (await Store.Cases.GetCaseAsync(caseId))!.Items[0].Details.Signals.Select(s => s.Type).OrderBy(t => t.Name));

        await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}");
        var decided = await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", reviewer, """{"verdict":"confirmed","classification":"A1"}""");
        Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
        var confirmed = new List<BankContent>();
        await foreach (var content in Store.StreamContentAsync("CONFIRMED"))
            confirmed.Add(content);
        var stored = Assert.Single(confirmed);
        Assert.Contains(stored.Signals, s => s.Type == SignalType.Pdq && s.Value == MediaFixtures.BridgeReferencePdq);
        Assert.InRange(stored.Signals.Count(s => s.Type == SignalType.PdqVariant), 12, Vigil.ImageHashing.RobustBankHasher.DefaultVariants.Count);

        await Services.GetRequiredService<MatcherHost>().Matcher!.CatchUpAsync(CancellationToken.None);
        // The index of the banks' own variants, asked for by name (HMA's list of types leaves it out).
        var variants = (await JsonAsync(await SendAsync(HttpMethod.Get, "/m/index/status?signal_type=pdq_variant", matcher))).GetProperty("pdq_variant");
        Assert.Equal(stored.Signals.Count(s => s.Type == SignalType.PdqVariant), variants.GetProperty("size").GetInt32());
        using (var plain = await SendContentAsync(HttpMethod.Post, "/m/lookup?bypass_coinflip=true", matcher, MediaFixtures.Form(cropped, fileName: "crop.png")))
            Assert.Equal("""{"pdq":{}}""", await plain.Content.ReadAsStringAsync());
        using var robust = await SendContentAsync(HttpMethod.Post, "/m/lookup?robust=true&bypass_coinflip=true", matcher, MediaFixtures.Form(cropped, fileName: "crop.png"));
        Assert.Equal(HttpStatusCode.OK, robust.StatusCode);
        var match = Assert.Single((await JsonAsync(robust)).GetProperty("pdq").GetProperty("CONFIRMED").EnumerateArray());
        Assert.Equal(stored.Id, match.GetProperty("bank_content_id").GetInt64());
        Assert.EndsWith("bank-variant", match.GetProperty("variant").GetString(), StringComparison.Ordinal);
    }
}
