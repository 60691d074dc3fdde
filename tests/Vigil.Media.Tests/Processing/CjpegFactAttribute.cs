namespace Vigil.Media.Tests.Processing;

/// <summary>A fact that is reported as skipped, with the reason, when cjpeg is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CjpegFactAttribute : FactAttribute
{
    public CjpegFactAttribute()
    {
        Skip = Cjpeg.IsInstalled ? null : "cjpeg is not installed (apt-get install libjpeg-turbo-progs)";
    }
}
