using Vigil.Media;
using Vigil.Testing;

namespace Vigil.ImageHashing.Tests;

/// <summary>The benign fixture photos (ThreatExchange's PDQ test images), decoded.</summary>
internal static class FixturePhotos
{
    public static readonly string[] Names =
    [
        "pdq/data/bridge-mods/aaa-orig.jpg",
        "pdq/data/reg-test-input/pen-and-coaster.png",
        "pdq/data/reg-test-input/labelme-subset/q0003.jpg",
        "pdq/data/reg-test-input/labelme-subset/q0004.jpg",
        "pdq/data/reg-test-input/labelme-subset/q0122.jpg",
        "pdq/data/reg-test-input/labelme-subset/q0291.jpg",
        "pdq/data/reg-test-input/labelme-subset/q0746.jpg",
        "pdq/data/reg-test-input/labelme-subset/q1050.jpg",
        "pdq/data/reg-test-input/labelme-subset/q2821.jpg",
    ];

    public static IEnumerable<object[]> All => Names.Select(n => new object[] { n });

    public static RgbImage Decode(string name)
    {
        using var decoder = new ImageDecoder();
        return decoder.DecodeFile(Fixtures.ThreatExchange(name));
    }
}
