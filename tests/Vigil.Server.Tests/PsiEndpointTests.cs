using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Hashing.Signals;
using Vigil.Privacy.Psi;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>Publishes a small private-matching list (synthetic hashes) the way <c>vigil psi publish</c> does.</summary>
internal static class PsiFixture
{
    public const int Threshold = 3;
    public const ulong ListVersion = 41;

    /// <summary>Writes DIR/pdata.bin, DIR/manifest.json (signed) and DIR/server.key; returns the table devices use.</summary>
    public static PublicTable Publish(string dir, ServerKey key, IEnumerable<byte[]> entries, ulong listVersion = ListVersion,
        int threshold = Threshold, string[]? banks = null, BandParameters? bands = null)
    {
        var (table, distinct, dropped) = PublicTable.Build(entries, key, listVersion, bands);
        Assert.Equal(0, dropped);
        var pdata = table.Serialize();
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, PsiList.PdataFile), pdata);
        File.WriteAllBytes(Path.Combine(dir, PsiList.KeyFile), key.Export());
        var manifest = Manifest.Describe(table, pdata, threshold, banks ?? ["SAMPLES"], distinct, dropped).SignWith(key);
        File.WriteAllText(Path.Combine(dir, PsiList.ManifestFile), manifest.ToJson());
        return table;
    }

    /// <summary>A photo's payload: its hash, a flat thumbnail of the hash's first byte, and a name.</summary>
    public static VoucherPayload Photo(byte[] pdq, string name)
    {
        var thumbnail = new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide];
        thumbnail.AsSpan().Fill(pdq[0]);
        return new VoucherPayload(pdq, thumbnail, name);
    }

    public static byte[] Concat(IEnumerable<Voucher> vouchers) => vouchers.SelectMany(v => v.Serialize()).ToArray();
}

/// <summary>
/// <c>POST /v1/vouchers</c> end to end on a live server, threshold 3: nothing is revealed at t
/// matches and the answer never says otherwise; one more reveals exactly the matched vouchers as
/// review cases (re-checked against the bank); duplicates, other list versions, bad bodies, roles.
/// </summary>
public sealed class PsiEndpointTests : LiveServerTest
{
    private readonly TempDirectory _psi = new("vigil-psi-");
    private readonly ServerKey _key = ServerKey.Generate();
    // Eight listed hashes; the first seven are in bank SAMPLES, the last only in the published list.
    private readonly byte[][] _listed = Enumerable.Range(0, 8).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
    private PublicTable _table = null!;
    private PsiList _list = null!;

    protected override ServerSettings Settings => base.Settings with { PrivateMatching = _list, MaxVouchersPerUpload = 20 };

    protected override Task BeforeServerStartsAsync()
    {
        _table = PsiFixture.Publish(_psi.Path, _key, _listed);
        _list = PsiList.Load(_psi.Path);
        return Task.CompletedTask;
    }

    protected override Task AfterServerStopsAsync()
    {
        _psi.Dispose();
        return Task.CompletedTask;
    }

    private async Task AddListedToBankAsync()
    {
        for (int i = 0; i < 7; i++)
            await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Pdq, Convert.ToHexStringLower(_listed[i]))]));
        await Services.GetRequiredService<MatcherHost>().Matcher!.CatchUpAsync(CancellationToken.None);
    }

    private Task WhenIdleAsync() => Services.GetRequiredService<PsiRevealer>().WhenIdleAsync(TimeSpan.FromSeconds(30));

    private Task<HttpResponseMessage> UploadAsync(string account, byte[] body, string? key, string contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return SendContentAsync(HttpMethod.Post, $"/v1/vouchers?account={Uri.EscapeDataString(account)}", key, content);
    }

    private static async Task<(int Accepted, int Duplicates)> AcceptedAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        var json = JsonDocument.Parse(text).RootElement;
        // Exactly these two numbers, whatever happened to the vouchers.
        Assert.Equal(["accepted", "duplicates"], json.EnumerateObject().Select(p => p.Name));
        return (json.GetProperty("accepted").GetInt32(), json.GetProperty("duplicates").GetInt32());
    }

    private Voucher Real(AccountKeys account, int listed) => Voucher.CreateReal(_table, account, PsiFixture.Photo(_listed[listed], $"listed-{listed}.jpg"));

    private Voucher Stranger(AccountKeys account, int n) =>
        Voucher.CreateReal(_table, account, PsiFixture.Photo(RandomNumberGenerator.GetBytes(32), $"holiday-{n}.jpg"));

    [Fact]
    public async Task Nothing_is_revealed_at_t_matches_and_exactly_the_matched_vouchers_become_cases_past_it()
    {
        await AddListedToBankAsync();
        string device = await KeyAsync(ApiKeyRole.Device);
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var account = AccountKeys.Create(PsiFixture.Threshold);

        // t = 3 matches and two strangers: accepted, nothing revealed.
        var first = new[] { Real(account, 0), Stranger(account, 0), Real(account, 1), Stranger(account, 1), Real(account, 2) };
        byte[] firstBody = PsiFixture.Concat(first);
        Assert.Equal((5, 0), await AcceptedAsync(await UploadAsync("user:1", firstBody, device)));
        await WhenIdleAsync();
        var below = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/psi/accounts/user:1", reviewer));
        Assert.Equal("below_threshold", below.GetProperty("status").GetString());
        Assert.Equal(5, below.GetProperty("vouchers").GetInt32());
        Assert.Equal(0, below.GetProperty("cases").GetInt32());
        Assert.Equal(JsonValueKind.Null, below.GetProperty("flag_reason").ValueKind);
        Assert.Equal(["account", "vouchers", "status", "flag_reason", "cases"], below.EnumerateObject().Select(p => p.Name));
        Assert.Equal("[]", await (await SendAsync(HttpMethod.Get, "/v1/cases?status=open", reviewer)).Content.ReadAsStringAsync());

        // One more match (listed-7, which is not in the bank any more) and a stranger: the answer has the same shape.
        var second = new[] { Stranger(account, 2), Real(account, 7) };
        Assert.Equal((2, 0), await AcceptedAsync(await UploadAsync("user:1", PsiFixture.Concat(second), device)));
        await WhenIdleAsync();

        var revealed = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/psi/accounts/user:1", reviewer));
        Assert.Equal(("revealed", 7, 4), (revealed.GetProperty("status").GetString(), revealed.GetProperty("vouchers").GetInt32(), revealed.GetProperty("cases").GetInt32()));
        var found = await CaseItemsAsync(reviewer, "open");
        var cases = found.Select(f => f.Item).ToList();
        // One account, one open case.
        Assert.Single(found.Select(f => f.CaseId).Distinct());
        var matched = new[] { first[0], first[2], first[4], second[1] }.Select(v => v.IdHex).Order().ToArray();
        Assert.Equal(matched, cases.Select(c => c.GetProperty("voucher_id").GetString()).Order().ToArray());
        foreach (var stranger in new[] { first[1], first[3], second[0] })
            Assert.DoesNotContain(cases, c => c.GetProperty("voucher_id").GetString() == stranger.IdHex);
        foreach (var (caseId, item) in found)
        {
            Assert.Equal(("psi", "user:1", JsonValueKind.Null), (item.GetProperty("source").GetString(), item.GetProperty("account").GetString(), item.GetProperty("verdict").ValueKind));
            Assert.False(item.TryGetProperty("thumbnail", out _));
            Assert.True(item.GetProperty("has_thumbnail").GetBoolean());
            string name = item.GetProperty("context").GetProperty("file_name").GetString()!;
            int n = int.Parse(name["listed-".Length..^".jpg".Length], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Convert.ToHexStringLower(_listed[n]), item.GetProperty("signals").GetProperty("pdq").GetString());
            var itemMatches = item.GetProperty("matches").EnumerateArray().ToList();
            if (n == 7)
            {
                Assert.Equal("recheck_failed", item.GetProperty("recheck").GetString());
                Assert.Empty(itemMatches);
            }
            else
            {
                var match = Assert.Single(itemMatches);
                Assert.Equal(("matched", "SAMPLES", 0), (item.GetProperty("recheck").GetString(), match.GetProperty("bank").GetString(), match.GetProperty("distance").GetInt32()));
                Assert.True(match.GetProperty("content_id").GetInt64() > BridgeId);
            }

            // The voucher's thumbnail is the item's only picture (already a 64x64 greyscale derivative).
            var thumbnail = await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{item.GetProperty("id").GetInt64()}/media?view=clear", reviewer);
            Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
            Assert.Equal("image/png", thumbnail.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", thumbnail.Headers.CacheControl?.ToString());
            using var decoder = new Vigil.Media.ImageDecoder();
            using (var image = decoder.Decode(await thumbnail.Content.ReadAsByteArrayAsync()))
            {
                Assert.Equal((64, 64), (image.Width, image.Height));
                Assert.All(image.Pixels.ToArray(), p => Assert.Equal(_listed[n][0], p));
            }
        }
        var one = await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{found[0].CaseId}", reviewer));
        Assert.Equal("user:1", one.GetProperty("case").GetProperty("subject").GetString());
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{found[0].CaseId}/items/999999/media", reviewer), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/cases/999999/items/1/media", reviewer), HttpStatusCode.NotFound);

        // The same upload again: all duplicates, nothing new, no second case for any voucher.
        Assert.Equal((0, 5), await AcceptedAsync(await UploadAsync("user:1", firstBody, device)));
        // A further match past the threshold becomes a case of its own.
        var third = Real(account, 3);
        Assert.Equal((1, 1), await AcceptedAsync(await UploadAsync("user:1", PsiFixture.Concat([third, third]), device)));
        await WhenIdleAsync();
        var after = (await CaseItemsAsync(reviewer)).Select(f => f.Item).ToList();
        Assert.Equal(5, after.Count);
        Assert.Equal(5, after.Select(c => c.GetProperty("voucher_id").GetString()).Distinct().Count());
        Assert.Contains(after, c => c.GetProperty("voucher_id").GetString() == third.IdHex);
        Assert.Empty((await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases?after={found[0].CaseId}", reviewer))).EnumerateArray());

        // The audit log has every upload (what was sent, not what opened) and the reveal.
        var audit = await WaitForAuditAsync(entries => entries.Count(e => e.Action == "psi.reveal") >= 2 && entries.Count(e => e.Action == "POST /v1/vouchers") >= 4);
        var uploads = audit.Where(e => e.Action == "POST /v1/vouchers").ToList();
        Assert.All(uploads, e => Assert.DoesNotContain("opened", e.DetailJson));
        Assert.Contains(uploads, e => e.DetailJson!.Contains("\"accepted\":5"));
        var reveal = audit.First(e => e.Action == "psi.reveal");
        Assert.Equal(("user:1", PsiRevealer.AuditActor), (reveal.Subject, reveal.Actor));
        Assert.Contains("\"cases\":4", reveal.DetailJson);
    }

    [Fact]
    public async Task Concurrent_uploads_for_one_account_lose_no_voucher_and_make_each_case_once()
    {
        await AddListedToBankAsync();
        string device = await KeyAsync(ApiKeyRole.Device);
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var account = AccountKeys.Create(PsiFixture.Threshold);
        var vouchers = Enumerable.Range(0, 7).Select(i => Real(account, i)).Concat(Enumerable.Range(0, 5).Select(i => Stranger(account, i))).ToArray();
        // Eight uploads of overlapping halves, all at once.
        var bodies = Enumerable.Range(0, 8).Select(u => PsiFixture.Concat(vouchers.Where((_, i) => (i + u) % 2 == 0 || i % 5 == u % 5))).ToArray();
        var answers = await Task.WhenAll(bodies.Select(b => Task.Run(async () => await AcceptedAsync(await UploadAsync("busy.account", b, device)))));
        Assert.Equal(vouchers.Length, answers.Sum(a => a.Accepted));
        Assert.Equal(bodies.Sum(b => b.Length / _list.VoucherSize) - vouchers.Length, answers.Sum(a => a.Duplicates));
        await WhenIdleAsync();
        var cases = (await CaseItemsAsync(reviewer)).Select(f => f.Item).ToList();
        Assert.Equal(vouchers.Take(7).Select(v => v.IdHex).Order(), cases.Select(c => c.GetProperty("voucher_id").GetString()!).Order());
        var state = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/psi/accounts/busy.account", reviewer));
        Assert.Equal((12, 7, "revealed"), (state.GetProperty("vouchers").GetInt32(), state.GetProperty("cases").GetInt32(), state.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Bad_uploads_are_4xx_problems_and_store_nothing()
    {
        string device = await KeyAsync(ApiKeyRole.Device);
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var account = AccountKeys.Create(PsiFixture.Threshold);
        var good = PsiFixture.Concat([Real(account, 0), Stranger(account, 0), Real(account, 1)]);
        int size = _list.VoucherSize;
        Assert.Equal(Voucher.SizeFor(PsiFixture.Threshold), size);

        await AssertProblemAsync(await UploadAsync("acct", good[..^1], device), HttpStatusCode.BadRequest, "not a whole number of vouchers");
        await AssertProblemAsync(await UploadAsync("acct", [], device), HttpStatusCode.BadRequest, "no vouchers");
        var badMagic = (byte[])good.Clone();
        badMagic[size] = (byte)'X';
        var malformed = await UploadAsync("acct", badMagic, device);
        string detail = (await JsonAsync(malformed)).GetProperty("detail").GetString()!;
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("voucher 1 ", detail);

        // A device holding another list version: 409 naming both.
        var (otherTable, _, _) = PublicTable.Build(_listed, _key, PsiFixture.ListVersion + 1);
        var stale = PsiFixture.Concat([Real(account, 0), Voucher.CreateReal(otherTable, account, PsiFixture.Photo(_listed[1], "x.jpg"))]);
        var conflict = await UploadAsync("acct", stale, device);
        await AssertProblemAsync(conflict, HttpStatusCode.Conflict, "voucher made for another list version");
        string why = (await JsonAsync(await UploadAsync("acct", stale, device))).GetProperty("detail").GetString()!;
        Assert.Contains($"list version {PsiFixture.ListVersion + 1}", why);
        Assert.Contains($"version {PsiFixture.ListVersion}:", why);

        // A device keyed for another threshold makes vouchers of another size.
        var otherThreshold = AccountKeys.Create(10);
        Assert.NotEqual(size, Voucher.SizeFor(10));
        await AssertProblemAsync(await UploadAsync("acct", Voucher.CreateReal(_table, otherThreshold, PsiFixture.Photo(_listed[0], "a.jpg")).Serialize(), device),
            HttpStatusCode.BadRequest, "not a whole number of vouchers");

        // Over the limit (20 in this test).
        var many = PsiFixture.Concat(Enumerable.Range(0, 21).Select(i => Stranger(account, i)));
        await AssertProblemAsync(await UploadAsync("acct", many, device), HttpStatusCode.RequestEntityTooLarge, "too many vouchers");
        var chunked = new StreamContent(new NonSeekableStream(many));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/v1/vouchers?account=acct", device, chunked), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal((20, 0), await AcceptedAsync(await UploadAsync("acct-at-limit", many[..(20 * size)], device)));

        foreach (string bad in new[] { "", "has space", new string('a', 129), "slash/x", "ünï", "a;b" })
        {
            var response = await SendContentAsync(HttpMethod.Post, bad.Length == 0 ? "/v1/vouchers" : $"/v1/vouchers?account={Uri.EscapeDataString(bad)}", device,
                new ByteArrayContent(good));
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid account");
        }
        await AssertProblemAsync(await UploadAsync("acct", good, device, "application/json"), HttpStatusCode.UnsupportedMediaType);

        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/psi/accounts/acct", reviewer), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/psi/accounts/bad%20name", reviewer), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/cases?status=pending", reviewer), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/cases?limit=0", reviewer), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/cases?after=-1", reviewer), HttpStatusCode.BadRequest);

        // Without a content type the bytes are taken as they are.
        Assert.Equal((3, 0), await AcceptedAsync(await SendContentAsync(HttpMethod.Post, "/v1/vouchers?account=acct", device, new ByteArrayContent(good))));
    }

    [Fact]
    public async Task Keys_and_roles_decide_who_may_upload_and_who_may_read()
    {
        var account = AccountKeys.Create(PsiFixture.Threshold);
        var body = PsiFixture.Concat([Stranger(account, 0)]);
        await AssertProblemAsync(await UploadAsync("acct", body, null), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await UploadAsync("acct", body, "vgl_not-a-key"), HttpStatusCode.Unauthorized);
        foreach (var role in new[] { ApiKeyRole.Matcher, ApiKeyRole.Curator, ApiKeyRole.Reviewer })
            await AssertProblemAsync(await UploadAsync("acct", body, await KeyAsync(role)), HttpStatusCode.Forbidden);
        Assert.Equal((1, 0), await AcceptedAsync(await UploadAsync("acct", body, await KeyAsync(ApiKeyRole.Admin))));

        string device = await KeyAsync(ApiKeyRole.Device);
        foreach (string path in new[] { "/v1/psi/accounts/acct", "/v1/cases", "/v1/cases/1", "/v1/cases/1/items/1/media" })
        {
            await AssertProblemAsync(await SendAsync(HttpMethod.Get, path, device), HttpStatusCode.Forbidden);
            await AssertProblemAsync(await SendAsync(HttpMethod.Get, path, null), HttpStatusCode.Unauthorized);
            await AssertProblemAsync(await SendAsync(HttpMethod.Get, path, await KeyAsync(ApiKeyRole.Matcher)), HttpStatusCode.Forbidden);
        }
        // A device key reaches nothing else either.
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={BridgePdq}", device), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/psi/accounts/acct", await KeyAsync(ApiKeyRole.Admin))).StatusCode);
    }

    [Fact]
    public async Task Hundreds_of_mutated_bodies_never_give_a_5xx()
    {
        await AddListedToBankAsync();
        string device = await KeyAsync(ApiKeyRole.Device);
        var account = AccountKeys.Create(PsiFixture.Threshold);
        var vouchers = new List<Voucher> { Real(account, 0), Real(account, 1), Stranger(account, 0), Voucher.CreateSynthetic(_table, account), Real(account, 2) };
        byte[] original = PsiFixture.Concat(vouchers);
        var random = new Random(20261130);
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (int i = 0; i < 300; i++)
        {
            byte[] body = Mutate(original, random);
            // A few accounts, so that mutated vouchers pile up past the threshold and reach the reveal too.
            var response = await UploadAsync($"fuzz-{i % 3}", body, device);
            Assert.True((int)response.StatusCode < 500, $"mutation {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }
        await WhenIdleAsync();
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Accepted) > 0, string.Join(", ", statuses));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.BadRequest) > 0, string.Join(", ", statuses));
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        for (int a = 0; a < 3; a++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/v1/psi/accounts/fuzz-{a}", reviewer)).StatusCode);
            // Every due reveal ran to the end (one that threw would leave revealed_through behind).
            var state = (await Store.GetPsiAccountAsync($"fuzz-{a}"))!;
            Assert.True(state.Opened <= PsiFixture.Threshold || state.RevealedThrough == state.Opened, $"fuzz-{a}: {state}");
        }
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/cases", reviewer)).StatusCode);
    }

    /// <summary>A stream that cannot tell its length, so the client sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var body = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0: // flip a few bits anywhere
                for (int k = random.Next(1, 8); k > 0; k--)
                    body[random.Next(body.Length)] ^= (byte)(1 << random.Next(8));
                return body;
            case 1: // cut
                return body[..random.Next(body.Length)];
            case 2: // pad
                return [.. body, .. RandomNumberGenerator.GetBytes(random.Next(1, 300))];
            case 3: // random bytes of a voucher's size
                return RandomNumberGenerator.GetBytes(original.Length / 5 * random.Next(1, 3));
            case 4: // a header field: magic, format, list version or id
                body[random.Next(29)] = (byte)random.Next(256);
                return body;
            default: // a pair's point or the inner ciphertext's tail
                body[random.Next(2) == 0 ? 29 + random.Next(32) : body.Length - 1 - random.Next(64)] ^= 0x5a;
                return body;
        }
    }

    private async Task<List<AuditEntry>> WaitForAuditAsync(Func<List<AuditEntry>, bool> ready)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var entries = new List<AuditEntry>();
            await foreach (var entry in Store.ReadAuditAsync())
                entries.Add(entry);
            if (ready(entries))
                return entries;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the audit entries did not arrive: " + string.Join(", ", entries.Select(e => e.Action)));
            await Task.Delay(50);
        }
    }
}

/// <summary>A server started without <c>--psi</c>: the upload answers that private matching is off; loading a bad published folder fails clearly.</summary>
public sealed class PsiNotConfiguredTests : LiveServerTest
{
    [Fact]
    public async Task The_upload_answers_503_saying_private_matching_is_not_configured()
    {
        var response = await SendContentAsync(HttpMethod.Post, "/v1/vouchers?account=acct", await KeyAsync(ApiKeyRole.Device), new ByteArrayContent([1, 2, 3]));
        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "private matching is not configured");
        Assert.Contains("--psi", (await JsonAsync(await SendContentAsync(HttpMethod.Post, "/v1/vouchers?account=acct", await KeyAsync(ApiKeyRole.Admin),
            new ByteArrayContent([1])))).GetProperty("detail").GetString());
        Assert.Equal("[]", await (await SendAsync(HttpMethod.Get, "/v1/cases", await KeyAsync(ApiKeyRole.Reviewer))).Content.ReadAsStringAsync());
    }

    [Fact]
    public void A_published_folder_whose_manifest_or_pdata_was_changed_or_signed_by_another_key_is_refused()
    {
        using var dir = new TempDirectory("vigil-psi-");
        var key = ServerKey.Generate();
        PsiFixture.Publish(dir.Path, key, [RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)]);
        var list = PsiList.Load(dir.Path);
        Assert.Equal((PsiFixture.Threshold, PsiFixture.ListVersion, Voucher.SizeFor(PsiFixture.Threshold)), (list.Threshold, list.ListVersion, list.VoucherSize));

        string pdataPath = Path.Combine(dir.Path, PsiList.PdataFile);
        var pdata = File.ReadAllBytes(pdataPath);
        pdata[^1] ^= 1;
        File.WriteAllBytes(pdataPath, pdata);
        Assert.Contains("pdata's SHA-256", Assert.Throws<InvalidDataException>(() => PsiList.Load(dir.Path)).Message);
        pdata[^1] ^= 1;
        File.WriteAllBytes(pdataPath, pdata);

        string manifestPath = Path.Combine(dir.Path, PsiList.ManifestFile);
        string manifest = File.ReadAllText(manifestPath);
        File.WriteAllText(manifestPath, manifest.Replace("\"threshold\": 3", "\"threshold\": 2"));
        Assert.Contains("signature does not verify", Assert.Throws<InvalidDataException>(() => PsiList.Load(dir.Path)).Message);
        File.WriteAllText(manifestPath, manifest);

        File.WriteAllBytes(Path.Combine(dir.Path, PsiList.KeyFile), ServerKey.Generate().Export());
        Assert.Contains("not by the expected server key", Assert.Throws<InvalidDataException>(() => PsiList.Load(dir.Path)).Message);
        File.WriteAllBytes(Path.Combine(dir.Path, PsiList.KeyFile), [1, 2, 3]);
        Assert.Contains("not a Vigil PSI server key", Assert.Throws<InvalidDataException>(() => PsiList.Load(dir.Path)).Message);
        File.Delete(Path.Combine(dir.Path, PsiList.KeyFile));
        Assert.ThrowsAny<IOException>(() => PsiList.Load(dir.Path));
        Assert.ThrowsAny<IOException>(() => PsiList.Load(Path.Combine(dir.Path, "missing")));
    }
}
