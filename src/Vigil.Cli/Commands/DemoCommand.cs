using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using System.CommandLine;
using System.Text.Json;
using Vigil.Banks;
using Vigil.Hashing.Signals;
using Vigil.Cli.Banks;
using Vigil.Cli.Hashing;
using Vigil.Hashing.Pdq;
using Vigil.ImageHashing;
using Vigil.Matching;
using Vigil.Media;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil demo</c>: the main job end to end on bundled benign images: put the "known" images in a
/// bank (a throwaway SQLite database), scan a folder of uploads holding edited copies and unrelated
/// images, and show what matched, how (rotated, flipped) and at what distance.
/// </summary>
internal static class DemoCommand
{
    private const string BankName = "DEMO_KNOWN";
    private const string DemoSubject = "demo-uploader";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var samples = new Option<string>("--samples") { Description = "Folder with known/ and uploads/ subfolders to use instead of the bundled samples" };
        var review = new Option<bool>("--review")
        {
            Description = "Then serve the demo's store on 127.0.0.1 with a one-time sign-in link to the reviewer UI (Ctrl-C stops it and deletes the demo)",
        };
        var urls = new Option<string>("--urls") { Description = "Where --review listens", DefaultValueFactory = _ => "http://127.0.0.1:5180" };
        var command = new Command("demo", "Build a bank from sample images, scan edited copies and unrelated images against it, show the matches and open a review case for them")
        {
            samples, review, urls,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            string folder = parse.GetValue(samples) ?? Path.Combine(AppContext.BaseDirectory, "samples");
            string known = Path.Combine(folder, "known"), uploads = Path.Combine(folder, "uploads");
            if (!Directory.Exists(known) || !Directory.Exists(uploads))
            {
                error.WriteLine($"error: sample folder not found: {folder} must hold known/ and uploads/");
                return ExitCodes.Failure;
            }
            var workspace = Directory.CreateTempSubdirectory("vigil-demo-");
            try
            {
                return await RunAsync(known, uploads, Path.Combine(workspace.FullName, "demo.db"), parse.GetValue(review) ? parse.GetValue(urls) : null,
                    output, error, ct);
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                workspace.Delete(recursive: true);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string known, string uploads, string database, string? reviewUrls, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        await using var store = await SqliteVigilStore.OpenAsync(database, ct);
        using var vaultKey = Vigil.Review.Evidence.KeyFileWrapper.Create(Path.Combine(Path.GetDirectoryName(database)!, "vault.key"));
        var vault = new Vigil.Review.Evidence.EvidenceVault(vaultKey);
        output.WriteLine("Vigil demo: known images go into a bank; uploads are scanned against it.");
        output.WriteLine($"(a throwaway database: {database})");
        output.WriteLine();

        // 1. The bank.
        await store.CreateBankAsync(new NewBank(BankName) { Labels = ["demo"] }, ct);
        var knownFiles = InputFiles.Expand([known], imagesOnly: true);
        // As 'vigil bank add --robust': each image's crops and masked copies are stored too, so a cropped upload matches.
        var items = BankFiles.Hash(knownFiles, Environment.ProcessorCount, "demo", null, allowDamaged: false, DecodeOptions.Default, error, progress: null, out int failures,
            robust: true);
        var summary = await store.ImportAsync(BankName, items, cancellationToken: ct);
        output.WriteLine($"1. Bank {BankName}: {summary.Added} known images (PDQ + MD5 each, and the PDQ of crops and masked copies of each: --robust)");
        var names = new Dictionary<long, string>();
        await foreach (var content in store.StreamContentAsync(BankName, ct))
        {
            string name = FileNameOf(content);
            names[content.Id] = name;
            output.WriteLine($"     content {content.Id}  {name,-24} pdq {content.Signals[0].Value}");
        }
        output.WriteLine();

        // 2. The scan, robust: all eight rotations and flips of each upload, the picture inside borders, and the bank's crops.
        var matcher = await BankMatcher.LoadAsync(store, [], error, ct);
        var uploadFiles = InputFiles.Expand([uploads], imagesOnly: true);
        output.WriteLine($"2. Scanning {uploadFiles.Count} uploads (edited copies and unrelated images), distance <= {PdqIndex.DefaultMaxDistance}, "
                         + "any rotation or flip, borders trimmed, crops (--robust):");
        var records = new List<HashRecord>();
        OrderedParallelHasher.Run(uploadFiles, Environment.ProcessorCount,
            () => new FileHasher(HashAlgorithmKind.Pdq, dihedral: true, DecodeOptions.Default, robust: true), records.Add);
        int width = Math.Max(10, uploadFiles.Max(f => Path.GetFileName(f.Path).Length));
        int matched = 0, closestUnmatched = int.MaxValue;
        var opener = new CaseOpener(store, vault);
        foreach (var record in records)
        {
            var result = await MatchOptions.EvaluateAsync(record, matcher, dihedral: true, PdqIndex.DefaultMaxDistance, PdqResult.MinimumTrustedQuality, ct);
            if (result.Status == QueryStatus.Matched && result.Pdq is { } pdq)
            {
                // Each matched upload becomes an item of one review case: the demo's made-up uploader.
                await opener.OpenAsync(DemoSubject, "scan", [new Signal(SignalType.Pdq, pdq.ToString())],
                    result.Outcome.Matches.Select(x => (x.Bank.Name, x.ContentId, x.Signal.Name, x.Distance)),
                    new ItemContext
                    {
                        FileName = Path.GetFileName(record.Path), ScreenName = "demo-uploader", UploadedAt = DateTimeOffset.UtcNow,
                        Url = "https://demo.example.org/uploads/" + Uri.EscapeDataString(Path.GetFileName(record.Path)),
                    }, ct,
                    await File.ReadAllBytesAsync(record.Path, ct), "image/jpeg");
            }
            string file = Path.GetFileName(record.Path).PadRight(width);
            switch (result.Status)
            {
                case QueryStatus.Matched:
                    matched++;
                    var m = result.Outcome.Matches[0];
                    string how = result.VariantOf(m, dihedral: true) is { } variant && variant != "pdq" ? $"  (the upload {Describe(variant)})" : "";
                    output.WriteLine($"     {file}  MATCH {names[m.ContentId],-20} distance {m.Distance,3}{how}");
                    break;
                case QueryStatus.Failed:
                    failures++;
                    output.WriteLine($"     {file}  error: {result.Error}");
                    break;
                case QueryStatus.LowQuality:
                    output.WriteLine($"     {file}  not matched: PDQ quality {result.Quality} is below {PdqResult.MinimumTrustedQuality}");
                    break;
                default:
                    int nearest = NearestDistance(record, items);
                    closestUnmatched = Math.Min(closestUnmatched, nearest);
                    output.WriteLine($"     {file}  no match (nearest known image is {nearest} bits away)");
                    break;
            }
        }
        output.WriteLine();
        output.WriteLine($"3. {matched} of {records.Count} uploads matched a known image; the rest are unrelated"
                         + (closestUnmatched == int.MaxValue ? "." : $" (the closest was {closestUnmatched} bits away)."));
        output.WriteLine("   Unrelated images sit near 128 bits apart; edits of one photo stay within a few dozen.");
        output.WriteLine();
        output.WriteLine($"4. Review: the {opener.Opened} matches are items of case {string.Join(", ", opener.Cases)} (subject {DemoSubject}), waiting in the queue:");
        foreach (var c in await store.Cases.ListQueueAsync(null, 10, ct))
            output.WriteLine($"     case {c.Id}  {CasePriority.Name(c.Priority)}, {c.ItemCount} items, media sealed in the evidence vault");
        if (reviewUrls is not null)
            return await ServeForReviewAsync(store, vault, reviewUrls, output, error, ct);
        output.WriteLine("   See them as a reviewer would, blurred until revealed: ./vigil demo --review");
        output.WriteLine();
        output.WriteLine("Next: 'vigil bank create NAME', 'vigil bank import NAME LIST' or 'vigil bank add NAME IMAGES',");
        output.WriteLine("      then 'vigil scan DIR --report report.json' (see 'vigil --help').");
        return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>
    /// <c>--review</c>: the demo's store served on 127.0.0.1 with its vault, a throwaway reviewer key
    /// (never shown) and a one-time sign-in link for it, until Ctrl-C.
    /// </summary>
    private static async Task<int> ServeForReviewAsync(IVigilStore store, Vigil.Review.Evidence.EvidenceVault vault, string urls, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        string secret = ApiKeySecrets.Generate();
        await store.CreateApiKeyAsync("demo-reviewer", ApiKeyRole.Reviewer, ApiKeySecrets.Hash(secret), DateTimeOffset.UtcNow.AddHours(8), ct);
        // A fake CyberTipline in this process: a case decided "report" is filed to it, and nothing leaves this machine.
        await using var cybertipline = await Vigil.Reporting.Fake.FakeCyberTipline.StartAsync(cancellationToken: ct);
        var settings = new Vigil.Server.ServerSettings
        {
            Urls = urls,
            EvidenceVault = vault,
            Review = new Vigil.Review.ReviewOptions { ConfirmedBank = "DEMO_CONFIRMED", FalsePositiveBank = "DEMO_NOT_ABUSE" },
            Reporting = DemoReporting(cybertipline.BaseAddress),
        };
        var app = Vigil.Server.VigilServer.Build(store, settings, logging => logging.AddFilter((_, _, level) => level >= LogLevel.Warning).AddSimpleConsole());
        try
        {
            await app.StartAsync(ct);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            error.WriteLine($"error: {ServeCommand.ListenError(e, settings)} (choose another with --urls)");
            await app.DisposeAsync();
            return ExitCodes.Failure;
        }
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.First() ?? urls;
        string token = app.Services.GetRequiredService<Vigil.Server.ReviewUi.ReviewLoginLinks>().Issue(ApiKeySecrets.Hash(secret), TimeSpan.FromMinutes(10));
        output.WriteLine($"5. The reviewer UI is at {address}/review. Sign in once, within 10 minutes, with this link:");
        output.WriteLine($"     {address}{Vigil.Server.ReviewUi.ReviewLoginLinks.PathFor(token)}");
        output.WriteLine("   Media stays blurred until you reveal one item; confirming feeds DEMO_CONFIRMED.");
        output.WriteLine($"6. Decide the case 'report' and the worker files it to a fake CyberTipline at {cybertipline.BaseAddress}");
        output.WriteLine($"   (nothing leaves this machine); follow its steps at {address}/review/reports. Ctrl-C stops the demo and deletes it.");
        output.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return ExitCodes.Success;
    }

    /// <summary>Reporting to the demo's fake CyberTipline, as a made-up company.</summary>
    private static Vigil.Server.ReportingSettings DemoReporting(Uri fake) => new(
        new Vigil.Reporting.Client.CyberTiplineClientOptions { BaseAddress = fake, Credentials = new("vigil", "vigil-dev") },
        new Vigil.Reporting.Delivery.ReportDeliveryOptions
        {
            Reporter = new Vigil.Reporting.Building.ReporterSettings
            {
                Company = "Vigil demo (a made-up platform)",
                ReportingPerson = new Vigil.Reporting.Building.ReporterPerson { FirstName = "Demo", LastName = "Reporter", Email = "demo@example.org" },
            },
        },
        new Vigil.Reporting.Delivery.ReportWorkerOptions { PollInterval = TimeSpan.FromSeconds(1) });

    private static string FileNameOf(BankContent content)
    {
        if (content.Metadata is null)
            return $"content {content.Id}";
        using var doc = JsonDocument.Parse(content.Metadata);
        return doc.RootElement.TryGetProperty("file_name", out var name) ? name.GetString() ?? "" : $"content {content.Id}";
    }

    /// <summary>Smallest distance from any variant of the upload to any known image (to show how far "no match" is).</summary>
    private static int NearestDistance(HashRecord upload, List<ImportItem> known)
    {
        int best = int.MaxValue;
        foreach (var item in known)
        {
            var hash = PdqHash.Parse(item.Content.Signals[0].Value);
            for (int v = 0; v < PdqDihedralHashes.Count; v++)
                best = Math.Min(best, PdqHash.Distance(upload.Dihedral[(DihedralVariant)v], hash));
        }
        return best;
    }

    /// <summary>In words, how a robust query found its match (<see cref="QueryHashes.HowFound"/>'s names).</summary>
    private static string Describe(string variant)
    {
        if (variant.EndsWith(QueryHashes.BankVariantName, StringComparison.Ordinal))
            return "matches a crop of the original that the bank stored";
        string picture = variant.StartsWith("trimmed", StringComparison.Ordinal) ? "has borders around the original"
            : variant.StartsWith("region", StringComparison.Ordinal) ? "holds the original inside a larger page"
            : variant.StartsWith("masked", StringComparison.Ordinal) ? "has a band over the original (a caption)"
            : "";
        int dash = variant.IndexOf('-', StringComparison.Ordinal);
        string dihedral = (picture.Length == 0 ? variant : dash < 0 ? "" : variant[(dash + 1)..]) switch
        {
            "rotate90" => "is the original rotated 270 degrees",
            "rotate180" => "is the original rotated 180 degrees",
            "rotate270" => "is the original rotated 90 degrees",
            "flipx" => "is flipped top to bottom",
            "flipy" => "is mirrored left to right",
            "flipplus1" => "is transposed",
            "flipminus1" => "is anti-transposed",
            _ => "",
        };
        return picture.Length > 0 && dihedral.Length > 0 ? $"{picture} and {dihedral}" : picture.Length > 0 ? picture : dihedral.Length > 0 ? dihedral : variant;
    }
}
