"""`/pmo holidays`, `/pmo calendar` and `/pmo away`."""
