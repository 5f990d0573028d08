"""Parameter counts of the landmark architectures against the published ones."""

from __future__ import annotations

import pytest
import torch

from dlbook.torch.models import alexnet, count_parameters, resnet18, resnet50, vgg16

# torchvision's published counts (alexnet, vgg16, resnet18, resnet50 with 1,000 classes) and
# the two-GPU AlexNet of Krizhevsky et al. (2012), counted from the paper's layer sizes.
PUBLISHED = {
    "alexnet": (alexnet, 61_100_840),
    "vgg16": (vgg16, 138_357_544),
    "resnet18": (resnet18, 11_689_512),
    "resnet50": (resnet50, 25_557_032),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_counts_match_the_published_ones_and_cost_no_memory(name):
    build, expected = PUBLISHED[name]
    model = build()
    assert count_parameters(model) == expected
    assert all(p.is_meta for p in model.parameters())
    out = model(torch.empty(2, 3, 224, 224, device="meta"))  # shapes checked, nothing computed
    assert out.shape == (2, 1000)


def test_alexnet_of_the_paper():
    model = alexnet(variant="paper")
    assert count_parameters(model) == 60_965_224
    assert model[3].groups == 2 and model[6].groups == 1


def test_num_classes_changes_only_the_classifier():
    assert count_parameters(resnet18(10)) == 11_689_512 - 990 * 513
    assert count_parameters(vgg16(10)) == 138_357_544 - 990 * 4097


def test_a_real_device_gives_a_working_network():
    torch.manual_seed(0)
    model = resnet18(num_classes=3, device="cpu").eval()
    assert model(torch.zeros(1, 3, 64, 64)).shape == (1, 3)


def test_bad_arguments():
    with pytest.raises(ValueError, match="alexnet: expected variant to be one of"):
        alexnet(variant="two-gpu")
    with pytest.raises(ValueError, match="vgg16: expected num_classes >= 1"):
        vgg16(0)
