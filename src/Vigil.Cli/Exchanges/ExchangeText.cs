using Vigil.Cli.Interaction;
using Vigil.Storage;

namespace Vigil.Cli.Exchanges;

/// <summary>Exchanges as <c>vigil exchange</c> prints them in text.</summary>
internal static class ExchangeText
{
    public const string Header = "NAME                  TYPE            BANK                  EVERY   LAST      ADDED      REMOVED  ";

    public static string Row(Exchange e) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{e.Name,-20}  {e.Type,-14}  {e.Bank,-20}  {Every(e.Interval),-6}  {ExchangeNames.Name(e.LastStatus),-8}  {e.Total.Added,9}  {e.Total.Removed,9}").TrimEnd();

    public static void Show(Exchange e, IReadOnlyList<ExchangeShare> shares, TextWriter output)
    {
        output.WriteLine($"exchange {e.Name}: {e.Type} into bank {e.Bank}, every {Every(e.Interval)}{(e.Enabled ? "" : " (disabled)")}");
        if (e.BaseUrl is { } url)
            output.WriteLine($"  base url:     {url}");
        if (e.OptionsJson != "{}")
            output.WriteLine($"  options:      {e.OptionsJson}");
        output.WriteLine($"  credentials:  {(e.CredentialsFile is { } file ? "file " + file : "from the environment")}");
        output.WriteLine($"  checkpoint:   {(e.CheckpointAt is { } at ? "data as of " + TimeText.Utc(at) : "none (the next fetch starts from the beginning)")}");
        output.WriteLine($"  last fetch:   {ExchangeNames.Name(e.LastStatus)}{(e.LastFinishedAt is { } end ? ", ended " + TimeText.Utc(end) : "")}" +
            $"{(e.LastStatus == ExchangeRunStatus.Never ? "" : $": added {e.Last.Added}, removed {e.Last.Removed}, skipped {e.Last.Skipped}")}");
        if (e.LastError is { } error)
            output.WriteLine($"  last error:   {error}");
        output.WriteLine($"  in total:     added {e.Total.Added}, removed {e.Total.Removed}, skipped {e.Total.Skipped}");
        foreach (var share in shares)
        {
            if (share.Exchange == e.Name)
                output.WriteLine($"  shares:       confirmed content of bank {share.Bank} (turned on by {share.EnabledBy}, {TimeText.Utc(share.EnabledAt)})");
        }
    }

    public static string Every(TimeSpan interval) => interval.TotalSeconds % 3600 == 0 && interval.TotalSeconds >= 3600
        ? $"{interval.TotalHours:0}h"
        : interval.TotalSeconds % 60 == 0 && interval.TotalSeconds >= 60 ? $"{interval.TotalMinutes:0}m" : $"{interval.TotalSeconds:0}s";
}
