using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Classifiers.Manifests;

namespace Vigil.Cli.Classifying;

/// <summary>
/// <c>vigil classify</c>'s output, one line per file in input order: <c>text</c> (score, whether it passes the threshold,
/// every label), <c>csv</c> (<c>path,model,version,score,flagged,priority,LABEL...</c>) or <c>json</c> (one object a line).
/// </summary>
internal sealed class ClassifyOutputWriter(TextWriter output, string format, ClassifierManifest manifest)
{
    public void WriteHeader()
    {
        if (format != "csv")
            return;
        var header = new StringBuilder("path,model,version,score,flagged,priority,frame_seconds");
        foreach (string label in manifest.Labels)
            header.Append(',').Append(Csv(label));
        output.WriteLine(header);
    }

    public void Write(ClassifyRecord record)
    {
        var score = record.Score!;
        bool flagged = manifest.IsPastThreshold(score.Score);
        switch (format)
        {
            case "csv":
                var line = new StringBuilder()
                    .Append(Csv(record.Path)).Append(',').Append(Csv(manifest.Name)).Append(',').Append(Csv(manifest.Version)).Append(',')
                    .Append(Number(score.Score)).Append(',').Append(flagged ? "true" : "false").Append(',').Append(score.Priority ?? "")
                    .Append(',').Append(record.Video is { } v ? Number(v.AtSeconds) : "");
                foreach (string label in manifest.Labels)
                {
                    line.Append(',');
                    foreach (var l in score.Labels)
                    {
                        if (l.Label == label)
                            line.Append(Number(l.Score));
                    }
                }
                output.WriteLine(line);
                break;
            case "json":
                using (var buffer = new MemoryStream())
                {
                    using (var json = new Utf8JsonWriter(buffer))
                    {
                        json.WriteStartObject();
                        json.WriteString("path", record.Path);
                        json.WriteString("model", manifest.Name);
                        json.WriteString("version", manifest.Version);
                        json.WriteNumber("score", Math.Round(score.Score, 6));
                        json.WriteBoolean("flagged", flagged);
                        json.WriteNumber("threshold", manifest.Threshold);
                        if (score.Priority is not null)
                            json.WriteString("priority", score.Priority);
                        if (record.Video is { } video)
                        {
                            json.WriteNumber("frame_seconds", Math.Round(video.AtSeconds, 3));
                            json.WriteNumber("frames", video.Frames);
                        }
                        json.WriteStartObject("labels");
                        foreach (var l in score.Labels)
                            json.WriteNumber(l.Label, Math.Round(l.Score, 6));
                        json.WriteEndObject();
                        json.WriteEndObject();
                    }
                    output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
                }
                break;
            default:
                var text = new StringBuilder().Append(Number(score.Score)).Append(flagged ? "  FLAGGED  " : "           ").Append(record.Path);
                if (record.Video is { } at)
                    text.Append("  (highest of ").Append(at.Frames).Append(" frames at ").Append(Number(at.AtSeconds)).Append(" s)");
                if (score.Priority is not null)
                    text.Append("  (").Append(score.Priority).Append(')');
                else if (score.Labels.Count > 1)
                {
                    text.Append("  (");
                    for (int i = 0; i < score.Labels.Count; i++)
                        text.Append(i == 0 ? "" : ", ").Append(score.Labels[i].Label).Append(' ').Append(Number(score.Labels[i].Score));
                    text.Append(')');
                }
                output.WriteLine(text);
                break;
        }
    }

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Csv(string value) => Hashing.HashOutputWriter.CsvField(value);
}
